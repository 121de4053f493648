"""Staff pages for classes: the class form, sessions, places, suggestions, attendance, hours."""

from flask import render_template

from . import staff_bp


@staff_bp.route("/classes")
def classes():
    return render_template("mentoring/staff/classes.html")


@staff_bp.route("/classes/<int:class_id>")
def class_detail(class_id: int):
    return render_template("mentoring/staff/classes.html")
