"""Form helpers shared by every domain."""

from flask_wtf import FlaskForm

from .errors import ValidationError


def apply_error(form: FlaskForm, error: ValidationError) -> bool:
    """Show a service's ValidationError next to its field; return False if it has no field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        form.form_errors.append(error.message)
        return False
    field.errors = [*field.errors, error.message]
    return True
