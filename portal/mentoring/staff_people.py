"""Staff pages for mentors: applications to decide, mentors, their checks and suspensions."""

from flask import render_template

from . import staff_bp


@staff_bp.route("/applications")
def applications():
    return render_template("mentoring/staff/applications.html")
