"""Reading content: discover files, split front matter, render Markdown, build the model."""
