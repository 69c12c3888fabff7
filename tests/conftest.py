"""Suite-wide settings: no installed plugin loads unless a test asks for it."""

import os

os.environ.setdefault("OPENAI_UPLOADS_DISABLE_PLUGIN_AUTOLOAD", "1")
