"""The trainer sees progress per block: matrix columns, gradebook columns, the learner's page."""

from __future__ import annotations

import csv
import io

from blocks import issuing
from cohorts import services as cohorts
from tests.blocks.test_block_attestation import attain_b1
from tests.certificates.conftest import enrol, read_modules


def cohort_with(trainer, *learners):  # noqa: ANN001, ANN201
    cohort = cohorts.create_cohort(
        trainer, cohorts.CohortFields("Spring", "mini", None, None, "", ())
    )
    for learner in learners:
        cohorts.join(learner, cohort)
    return cohort


def test_matrix_and_gradebook_have_a_column_per_block(client, auth, make_user, course):
    trainer = make_user("trainer")
    ada, bob = make_user(full_name="Ada Block"), make_user(full_name="Bob Block")
    cohort = cohort_with(trainer, ada, bob)
    attain_b1(ada, course)
    enrol(bob, course)
    read_modules(bob, course, ["02-next"])
    auth.login(trainer.email)

    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert 'class="matrix-col matrix-block"' in page
    assert "Block: B1 Welcome and information" in page and "Block: B2 Prevention" in page
    assert page.count('class="matrix-block-cell cell-passed"') == 1  # Ada's B1
    assert ">attained</span> 2/2</td>" in page
    assert "1/3</td>" in page  # Bob's B2: module 02 of module, quiz, role-play

    data = client.get(f"/cohorts/{cohort.id}/gradebook.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    b1 = "Block B1: requirements met (of 2)"
    b2 = "Block B2: requirements met (of 3)"
    by_name = {r["Name"]: r for r in rows}
    assert (by_name["Ada Block"][b1], by_name["Ada Block"][b2]) == ("2", "0")
    assert (by_name["Bob Block"][b1], by_name["Bob Block"][b2]) == ("0", "1")


def test_the_trainer_sees_the_learners_blocks_and_attestation(client, auth, make_user, course):
    trainer = make_user("trainer")
    ada = make_user(full_name="Ada Block")
    cohort = cohort_with(trainer, ada)
    attain_b1(ada, course)
    attestation = issuing.issue(ada, course, "B1")
    auth.login(trainer.email)
    page = client.get(f"/cohorts/{cohort.id}/learners/{ada.id}").get_data(as_text=True)
    assert "Competency blocks" in page and "Progress per competency block" in page
    assert f"/attestations/{attestation.code}.pdf" in page
    assert "Get the block attestation" not in page  # only the learner asks for it
    download = client.get(f"/attestations/{attestation.code}.pdf")
    assert download.status_code == 200 and download.data == attestation.pdf
