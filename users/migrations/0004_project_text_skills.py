"""Turn the skills written in existing projects' skills_used and tools_used text into linked Skill rows.

The text stays as it is (the SPA reads it). Names match a user's existing skills regardless of case and spacing; a new
skill keeps the first spelling met. Going backwards leaves the skills in place (they may have gained other evidence).
"""

from django.db import migrations

from users.skill_names import MAX_LENGTH, normalize_skill_name, parse_skill_names


def link_text_skills(apps, schema_editor):
    Project = apps.get_model("users", "Project")
    Skill = apps.get_model("users", "Skill")
    known = {(skill.user_id, skill.normalized_name): skill for skill in Skill.objects.all()}
    for project in Project.objects.exclude(skills_used="", tools_used="").iterator():
        names = [name for name in parse_skill_names([project.skills_used, project.tools_used]) if len(name) <= MAX_LENGTH]
        linked = []
        for name in names:
            key = (project.user_id, normalize_skill_name(name))
            if key not in known:
                known[key] = Skill.objects.create(user_id=project.user_id, name=name, normalized_name=key[1])
            linked.append(known[key])
        project.skills.add(*linked)


class Migration(migrations.Migration):
    dependencies = [("users", "0003_home_reference_rows")]

    operations = [migrations.RunPython(link_text_skills, migrations.RunPython.noop)]
