"""The chunked upload engine behind ``uploads.upload_file_chunked``.

A sans-I/O core, carried out by one driver written as async code
(:mod:`openai_uploads._async.transfer`, and its generated sync twin) that only does
I/O. The core is split by concern:

* :mod:`._options`: the arguments, checked once into a frozen :class:`TransferOptions`;
* :mod:`._source`: what ``file=`` may be, how it is opened (spooling a stream) and read
  (streamed by range, or buffered in order); the kinds of input in :mod:`._inputs`;
* :mod:`._plan`: which parts exist, which are done, progress accounting;
* :mod:`._flow`: every ordering decision, as a generator of actions;
* :mod:`._job`: one call's state, digests and events, and what each outcome means;
* :mod:`._clock`: when the Upload expires, measured on the server's clock;
* :mod:`._resume`: the resume state file and the record in it;
* :mod:`._errors`: whether to cancel on failure, and which exception the caller sees.
"""
