"""Residents' mentoring pages: the application, the mentor's classes, families' places."""

from flask import render_template
from flask_login import login_required

from . import bp


@bp.route("/")
@login_required
def home():
    return render_template("mentoring/home.html")


@bp.route("/classes/<int:class_id>")
@login_required
def class_detail(class_id: int):
    return render_template("mentoring/home.html")
