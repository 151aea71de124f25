"""A FilterSet base for the public pages' filters."""

import django_filters


class _CopiedShallowly(dict):
    """The declared filters, copied for each FilterSet one level deep rather than all the way down.

    django-filter deep-copies every declared filter, widget and choices included, for each request:
    some 220 copies for the directory's five filters, a fifth of the map page's time. Here a
    filter's own state (the FilterSet it belongs to, its form field, the binding of its `method`)
    is set per copy, and its declaration (`extra`: label, choices, widget) is copied one level; the
    widget is copied by the form field built from it, as Django's forms always do. So no request
    sees another's state.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, declared in self.items():
            filter_ = object.__new__(type(declared))  # copy.copy, without its generic machinery
            filter_.__dict__.update(declared.__dict__, extra=dict(declared.extra))
            filter_.__dict__.pop("_field", None)  # a form field is built per copy
            filter_.method = declared.method  # a method filter calls through its own copy, as django-filter binds it
            copies[name] = filter_
        return copies


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, cheaper to create: see _CopiedShallowly."""

    @classmethod
    def get_filters(cls):
        return _CopiedShallowly(super().get_filters())
