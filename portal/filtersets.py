"""A FilterSet base for the public pages' filters."""

import django_filters


class _CopiedShallowly(dict):
    """The declared filters, copied for each FilterSet one level deep rather than all the way down.

    django-filter deep-copies every declared filter, with its widget and choices, for each request
    (some 200 copies for the directory's five filters, a tenth of the page's time). A filter's own
    attributes (the FilterSet it belongs to, its form field, the binding of a `method`) are set per copy; its declaration
    (`extra`: label, choices, widget) is copied one level, and the widget is copied by the form
    field that is built from it, as Django's forms do. So no request sees another's state.
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
    @classmethod
    def get_filters(cls):
        return _CopiedShallowly(super().get_filters())
