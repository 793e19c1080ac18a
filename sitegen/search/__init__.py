"""Search: the Pagefind index for the web, our own index for file://.

`stage` is the build's stage; the other modules are its parts. Nothing is
imported here, so the indexer program (`python -m sitegen.search.indexer`)
starts without the renderer and the rest of the build.
"""
