"""The shared kernel: what every app may import, and which imports no app.

`fastopp_site` wires the apps together (settings, URLs, the API instance), so it imports
all of them; a module that the apps import cannot live there without an import cycle.
"""
