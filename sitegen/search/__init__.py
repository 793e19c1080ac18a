"""Search: the Pagefind index for the web, our own index for file://.

`stage` is the build's stage; the other modules are its parts. Nothing is
imported here, so importing one part does not load the others.
"""
