"""The demo library's materials, one module per content area. Written for the demo: the
branches, people and events they mention are fictional."""
