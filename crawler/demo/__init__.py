"""`crawler demo` and the simulated web it runs on (also the tests' web).

`web` is the server (``python -m crawler.demo.web``), `pages` its page bodies, `command`
the demo itself.
"""
