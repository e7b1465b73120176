"""What the org admin pages share."""


def form_values(form, names) -> dict:
    """The cleaned values of ``names`` that the form has (what a service is called with)."""
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
