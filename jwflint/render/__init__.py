"""Drawing workflows: a neutral scene (scene.py) rendered to DOT, Mermaid, images and HTML reports.

Nothing here is imported by ``jwflint lint`` in text or JSON mode; commands import it lazily.
"""
