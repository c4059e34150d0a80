from django.db import migrations
from django.db.models import OuterRef, Subquery


def store_last_coached_on(apps, schema_editor):
    """Each project's latest coaching conversation's date, as `last_coached_store` stores it."""
    Conversation = apps.get_model("coaching", "Conversation")
    Project = apps.get_model("projects", "Project")
    latest = Conversation.objects.filter(project=OuterRef("pk"), routine="coaching").order_by(
        "-date"
    )
    Project.objects.filter(pk__in=Conversation.objects.values("project")).update(
        last_coached_on=Subquery(latest.values("date")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0008_leader_note_edited"),
        ("projects", "0015_last_coached_on"),
    ]

    operations = [migrations.RunPython(store_last_coached_on, migrations.RunPython.noop)]
