"""Supervision notice numbers are unique once given (drafts have none and may repeat the blank).

Numbers were given on issue as one above the count of the year's numbers, and issued notices are
never deleted or un-numbered, so existing data can only hold a duplicate if two issues raced. The
check below names any such pair instead of letting the constraint fail with a bare database error;
renumber one of them by hand (an issued notice's number is on paper) and migrate again.
"""
from django.db import migrations, models
from django.db.models import Count


def check_no_duplicate_numbers(apps, schema_editor):
    SupervisionNotice = apps.get_model("supervision", "SupervisionNotice")
    duplicates = list(
        SupervisionNotice.objects.exclude(number="").values("number").annotate(n=Count("id")).filter(n__gt=1)
        .order_by("number").values_list("number", flat=True)
    )
    if duplicates:
        raise RuntimeError(
            "Supervision notice numbers used more than once, renumber them before migrating: "
            + ", ".join(duplicates)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(check_no_duplicate_numbers, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="supervisionnotice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number", ""), _negated=True), fields=("number",), name="notice_number_unique",
                violation_error_code="number_taken", violation_error_message="This notice number is already taken.",
            ),
        ),
    ]
