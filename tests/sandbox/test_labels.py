"""Project labels, as a `labels sync` uses them; and the labels GitLab creates on its own."""

from __future__ import annotations

import gitlab
import pytest

from automation.sandbox import Sandbox

from .support import project_of


def test_create_read_rename_and_recolor(bot: gitlab.Gitlab) -> None:
    labels = project_of(bot).labels
    created = labels.create({"name": "severity::1", "color": "#FF0000", "description": "SEV1"})
    assert (created.name, created.color, created.text_color) == (
        "severity::1",
        "#FF0000",
        "#FFFFFF",
    )
    with pytest.raises(gitlab.GitlabCreateError) as failure:
        labels.create({"name": "severity::1", "color": "#00FF00"})
    assert (failure.value.response_code, failure.value.error_message) == (
        409,
        "Label already exists",
    )

    labels.update("severity::1", {"color": "#FFFF00", "description": "Critical"})
    by_name = labels.get("severity::1")
    assert (by_name.color, by_name.description, by_name.text_color) == (
        "#FFFF00",
        "Critical",
        "#1F1E24",
    )
    labels.update(created.id, {"new_name": "sev::1"})
    assert [label.name for label in labels.list(get_all=True)] == ["sev::1"]
    assert [label.name for label in labels.list(search="SEV", get_all=True)] == ["sev::1"]
    label = labels.get("sev::1")
    label.description = "Saved"
    label.save()
    assert labels.get("sev::1").description == "Saved"
    label.delete()
    assert labels.list(get_all=True) == []


def test_issues_keep_their_label_through_a_rename(bot: gitlab.Gitlab) -> None:
    labels = project_of(bot).labels
    label = labels.create({"name": "sev1", "color": "#FF0000"})
    issue = project_of(bot).issues.create({"title": "x", "labels": "sev1"})
    labels.update(label.id, {"new_name": "severity::1"})
    assert project_of(bot).issues.get(issue.iid).labels == ["severity::1"]


def test_add_labels_creates_missing_project_labels(bot: gitlab.Gitlab) -> None:
    issue = project_of(bot).issues.create({"title": "x"})
    project_of(bot).issues.update(issue.iid, {"add_labels": "incident::actvie"})  # a typo
    label = project_of(bot).labels.get("incident::actvie")
    assert label.color == "#6699cc"


def test_guests_cannot_manage_labels(sandbox: Sandbox) -> None:
    sandbox.add_user("gus", access_level=10)
    with pytest.raises(gitlab.GitlabCreateError) as failure:
        project_of(sandbox.client_for("gus")).labels.create({"name": "x", "color": "#000000"})
    assert failure.value.response_code == 403


def test_missing_color_is_400(bot: gitlab.Gitlab) -> None:
    with pytest.raises(gitlab.GitlabHttpError) as failure:
        bot.http_post("/projects/1/labels", post_data={"name": "x"})
    assert (failure.value.response_code, failure.value.error_message) == (400, "color is missing")
