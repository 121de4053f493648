"""Photos a report form checked and kept, but that were never sent, are pruned."""

import os
import time

from portal.extensions import db
from portal.storage import get_storage
from tests.fixtures.reports import jpeg_bytes


def age(key: str, hours: float) -> None:
    path = get_storage().root / key
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_prune_deletes_old_photos_no_report_holds(app, create_report):
    from portal.reports.models import ReportPhoto

    storage = get_storage()
    orphan, recent, held = (storage.save(jpeg_bytes()) for _ in range(3))
    report = create_report()
    db.session.add(ReportPhoto(report_id=report.id, storage_key=held, width=64, height=48,
                               size=10))
    db.session.commit()
    age(orphan, 30)
    age(held, 30)
    result = app.test_cli_runner().invoke(args=["reports", "prune-photos", "--hours", "24"])
    assert result.exit_code == 0, result.output
    assert "deleted 1 photo" in result.output
    assert not storage.exists(orphan)
    assert storage.exists(recent)  # a form may still be retried with it
    assert storage.exists(held)
