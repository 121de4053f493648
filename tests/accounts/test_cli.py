"""``flask users ...``: account administration from the command line."""

import sqlalchemy as sa
from click.testing import CliRunner

from portal.extensions import db


def test_create_staff_command(app):
    from portal.accounts.models import Role, User

    runner = CliRunner()
    with app.app_context():
        result = runner.invoke(
            app.cli,
            ["users", "create-staff", "--email", "Officer@Seoul.go.kr", "--name", "이서준",
             "--admin", "--password", "namsan-tower-77"],
        )
        assert result.exit_code == 0, result.output
        user = db.session.scalar(sa.select(User).where(User.email == "officer@seoul.go.kr"))
        assert user.role is Role.admin and user.confirmed_at is not None
        again = runner.invoke(
            app.cli,
            ["users", "create-staff", "--email", "officer@seoul.go.kr", "--name", "x",
             "--password", "namsan-tower-77"],
        )
        assert again.exit_code != 0
        assert "already exists" in again.output
