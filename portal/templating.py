"""Templates compiled once per language, with their fixed texts already translated.

A page says a few dozen fixed things (``{{ _('Sign in') }}``), and each was looked up in the
catalog on every request. The environment keeps one compiled copy of a template per catalog
instead, in which ``_('...')`` of a literal text is the text that call would return: the
translation, marked safe where the template autoescapes and formatted as Jinja's newstyle
gettext formats it ("%%" reads "%"; named values are still put in, and escaped, when the page
is rendered). Anything else (a text in a variable, ngettext's count) is still looked up at
render time, by i18n's gettext. Outside an application context templates compile as before.
"""

import weakref
from contextvars import ContextVar

from flask import has_app_context
from flask.templating import Environment
from jinja2 import nodes
from jinja2.visitor import NodeTransformer

# The catalog templates are being compiled for (set while one is loaded).
_compiling_for: ContextVar[object | None] = ContextVar("compiling_for", default=None)

# Every template is kept once compiled, with no limit: they are the files under templates/
# (about 130), once per language. Jinja's limited cache is a least-recently-used list that
# each hit searches from end to end: with all of them loaded (600 copies) that cost about
# 0.1 ms a page, measured in process.
CACHE_SIZE = -1


class _TranslateFixedTexts(NodeTransformer):
    """Replace ``_('text')`` and ``gettext('text', name=value)`` by their translation."""

    def __init__(self, translations):
        self.translations = translations

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not (
            isinstance(node.node, nodes.Name) and node.node.name in ("_", "gettext")
            and len(node.args) == 1 and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and node.dyn_args is None and node.dyn_kwargs is None
        ):
            return node
        text = self.translations.ugettext(node.args[0].value)
        if not node.kwargs:
            if "%" in text:
                try:
                    text = text % {}
                except (KeyError, TypeError, ValueError):
                    return node  # the call fails at render time, as it always did
            return nodes.MarkSafeIfAutoescape(nodes.Const(text), lineno=node.lineno)
        values = nodes.Dict(
            [nodes.Pair(nodes.Const(kw.key), kw.value, lineno=kw.lineno) for kw in node.kwargs],
            lineno=node.lineno,
        )
        return nodes.Mod(nodes.MarkSafeIfAutoescape(nodes.Const(text)), values,
                         lineno=node.lineno)


def _current_catalog():
    """The translations this request (or mail, with ``force_locale``) is written in."""
    if not has_app_context():
        return None
    from .i18n import _translations

    return _translations()


class PortalEnvironment(Environment):
    """Flask's Jinja environment, keeping each template compiled per catalog."""

    def __init__(self, app, **options):
        options.setdefault("cache_size", CACHE_SIZE)
        super().__init__(app, **options)

    def _load_template(self, name, globals):
        translations = _current_catalog()
        if translations is None or self.cache is None:
            return super()._load_template(name, globals)
        cache_key = (weakref.ref(self.loader), name, translations)
        template = self.cache.get(cache_key)
        if template is not None and (not self.auto_reload or template.is_up_to_date):
            if globals:
                template.globals.update(globals)
            return template
        token = _compiling_for.set(translations)
        try:
            template = self.loader.load(self, name, self.make_globals(globals))
        finally:
            _compiling_for.reset(token)
        self.cache[cache_key] = template
        return template

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        translations = _compiling_for.get()
        if translations is not None and isinstance(source, str):
            source = _TranslateFixedTexts(translations).visit(self.parse(source, name, filename))
        return super().compile(source, name, filename, raw, defer_init)
