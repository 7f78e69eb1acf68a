"""What JavaScript does natively and Python must copy, so both runtimes write the same bytes:
``JSON.stringify`` (:mod:`.json_text`), ``Number.prototype.toString`` (:mod:`.numbers`), string
trimming and ``parseFloat`` (:mod:`.strings`). Imports nothing else of the runtime."""
