"""`{% datacache "name" key ... %}…{% enddatacache %}`: a fragment rendered once until the data changes.

Like Django's `{% cache %}`, but kept by data version (portal.page_cache.cached_by_version)
rather than for a time, so it is never stale; one copy per language and per key. The fragment
must depend only on the data and its keys, never on the visitor or the request. A key that is
None means "do not keep this one": the block is rendered as it stands. Keys must come from a
bounded set (codes, ids, validated filters), never from free text, so no one can fill the cache.
"""

from django import template
from django.template.loader_tags import BlockNode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal.page_cache import cached_by_version

register = template.Library()


class DataCacheNode(template.Node):
    # Not searched for blocks: {% extends %} walks the whole base template for them on every
    # render, and a kept fragment holds none (datacache() refuses them).
    child_nodelists = ()

    def __init__(self, nodelist, keys):
        self.nodelist = nodelist
        # A literal key ("office-card") is read here, once (a translated one in the language of the
        # moment, which does no harm: the language is part of every key); a variable on each render.
        self.keys = [key if key.is_var or key.filters else str(key.var) for key in keys]

    def render(self, context):
        keys = [key if isinstance(key, str) else key.resolve(context) for key in self.keys]
        if None in keys:  # this one is not to be kept (a search, say)
            return self.nodelist.render(context)
        name = ":".join(str(key) for key in keys)
        return mark_safe(cached_by_version(f"fragment:{get_language()}:{name}", lambda: self.nodelist.render(context)))


@register.tag
def datacache(parser, token):
    keys = token.split_contents()[1:]
    if not keys:
        raise template.TemplateSyntaxError("datacache needs a name: {% datacache 'office-card' office.pk %}")
    nodelist = parser.parse(("enddatacache",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("datacache cannot hold a {% block %}: keep a part of the block instead")
    return DataCacheNode(nodelist, [parser.compile_filter(key) for key in keys])
