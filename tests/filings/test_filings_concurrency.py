"""Two people of one enterprise filing at the same moment: one submission with two versions,
never two submissions. PostgreSQL only (SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connection

from parkos.filings.models import Submission, SubmissionRevision


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_filings_become_one_submission(net, this_round, file, is_postgres):
    if not is_postgres:
        pytest.skip("row locks need PostgreSQL")
    start = threading.Barrier(2)
    errors = []

    def run(returned):
        try:
            start.wait()
            file(net.tenant, this_round, net.acme, returned_staff=returned)
        except Exception as failure:
            errors.append(failure)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(value,)) for value in (50, 55)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Submission.objects.count() == 1
    assert sorted(SubmissionRevision.objects.values_list("version", flat=True)) == [1, 2]
    assert Submission.objects.get().version == 2
