"""Plugins with the faults openai-uploads refuses, one per entry point.

* ``missing``: imports a module that is not installed;
* ``typo``: a misspelled hook name;
* ``async_hook``: an ``async def`` hook;
* ``md5_claim``: returns a digest named ``md5``, which is the built-in's.
"""
