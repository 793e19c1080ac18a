"""`sitegen import`: text dumps, HTML pages, WordPress exports and records in,
one Markdown file with YAML front matter per article out."""
