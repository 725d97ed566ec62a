"""Reference rows every deployment starts with: learning platforms and sourced learning facts (staff edit them later).

Announcements are time-limited deals, so none ship here; seed_demo creates a few for local runs.
"""

from django.db import migrations

PLATFORMS = [
    ("Coursera", "MOOC", "mixed", True, "University and industry courses; audit many for free, pay for graded work and certificates.", "https://www.coursera.org"),
    ("edX", "MOOC", "mixed", True, "Courses from universities; free audit track, paid verified certificates.", "https://www.edx.org"),
    ("Udemy", "Marketplace", "paid", True, "A large marketplace of instructor-made video courses, bought one by one, often on sale.", "https://www.udemy.com"),
    ("Udacity", "Programming", "subscription", True, "Project-based programs in software, data and AI, reviewed by mentors.", "https://www.udacity.com"),
    ("freeCodeCamp", "Programming", "free", True, "A free curriculum of web development and data certifications, earned by building projects.", "https://www.freecodecamp.org"),
    ("Khan Academy", "Academic", "free", False, "Free lessons and exercises in maths, science, computing and more.", "https://www.khanacademy.org"),
    ("MIT OpenCourseWare", "Academic", "free", False, "Lecture notes, problem sets and videos from real MIT courses, free to use.", "https://ocw.mit.edu"),
    ("Codecademy", "Programming", "freemium", True, "Interactive coding lessons in the browser; paid plans add projects and certificates.", "https://www.codecademy.com"),
    ("DataCamp", "Data science", "subscription", True, "Short interactive courses in Python, R, SQL and analytics.", "https://www.datacamp.com"),
    ("Pluralsight", "Programming", "subscription", True, "Video courses and skill assessments for software and IT professionals.", "https://www.pluralsight.com"),
    ("LinkedIn Learning", "Professional skills", "subscription", True, "Video courses on business, creative and technology skills.", "https://www.linkedin.com/learning"),
    ("The Odin Project", "Programming", "free", False, "An open-source full-stack web development curriculum built around projects.", "https://www.theodinproject.com"),
    ("Exercism", "Programming", "free", False, "Practice exercises in dozens of programming languages, with optional mentoring.", "https://exercism.org"),
    ("Kaggle Learn", "Data science", "free", True, "Short hands-on courses in machine learning and data work, run in notebooks.", "https://www.kaggle.com/learn"),
]

FACTS = [
    ("In the 1880s Hermann Ebbinghaus measured how fast newly learned material fades without review: the forgetting curve.", "Wikipedia: Forgetting curve", "https://en.wikipedia.org/wiki/Forgetting_curve"),
    ("Study spread over several sessions is remembered better than the same time spent in one sitting: the spacing effect.", "Wikipedia: Spacing effect", "https://en.wikipedia.org/wiki/Spacing_effect"),
    ("Trying to recall an answer strengthens memory more than reading it again: the testing effect.", "Wikipedia: Testing effect", "https://en.wikipedia.org/wiki/Testing_effect"),
    ("Information you produce yourself, such as an answer you work out, is remembered better than information you only read: the generation effect.", "Wikipedia: Generation effect", "https://en.wikipedia.org/wiki/Generation_effect"),
    ("In 2001 MIT announced it would put the materials of its courses online for anyone, free: the start of OpenCourseWare.", "Wikipedia: MIT OpenCourseWare", "https://en.wikipedia.org/wiki/MIT_OpenCourseWare"),
    ("Khan Academy grew out of the maths tutoring Sal Khan gave his cousin over the internet in 2004.", "Wikipedia: Khan Academy", "https://en.wikipedia.org/wiki/Khan_Academy"),
]


def add_reference_rows(apps, schema_editor):
    LearningPlatform = apps.get_model("users", "LearningPlatform")
    LearningFact = apps.get_model("users", "LearningFact")
    for name, category, cost_model, offers_certificates, description, home in PLATFORMS:
        LearningPlatform.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "cost_model": cost_model,
                "offers_certificates": offers_certificates,
                "description": description,
                "home": home,
            },
        )
    for text, source, source_url in FACTS:
        LearningFact.objects.get_or_create(text=text, defaults={"source": source, "source_url": source_url})


def remove_reference_rows(apps, schema_editor):
    apps.get_model("users", "LearningPlatform").objects.filter(name__in=[row[0] for row in PLATFORMS]).delete()
    apps.get_model("users", "LearningFact").objects.filter(text__in=[row[0] for row in FACTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("users", "0002_home_reference_data")]

    operations = [migrations.RunPython(add_reference_rows, remove_reference_rows)]
