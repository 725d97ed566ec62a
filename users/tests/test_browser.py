"""A person's path through Swagger UI and the admin, in a real headless Chromium against a live server.

Uses Debian's chromium and chromium-driver (never a downloaded browser). Where they are missing the tests skip with
the reason, except in CI (CI=true), where .ci/run installs them and a missing browser is a failure. A screenshot of
every step goes to a fresh folder under /tmp, printed at the start (run pytest with -s to see it).
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings

from users.services import goal_step_create
from users.tests.factories import GoalFactory, UserFactory
from users.tests.samples import CERTIFICATES

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 20

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _browser_missing() -> str | None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if missing:
        return f"{' and '.join(missing)} not installed (Debian: apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture(scope="module")
def live_server(request):
    """pytest-django's live server, built while the HTTPS redirect is off: the SecurityMiddleware reads the setting
    when the server thread builds its app, before conftest's per-test settings apply, and a redirect to https would
    leave Chromium facing a plain-http port (test_deployment checks the redirect itself)."""
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shots():
    """Numbered screenshots in a fresh folder under /tmp."""
    folder = Path(tempfile.mkdtemp(prefix="skillfolio-browser-", dir="/tmp"))
    print(f"\nbrowser screenshots: {folder}")
    taken = []

    def shoot(driver, name: str) -> Path:
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        driver.save_screenshot(str(path))
        taken.append(path)
        return path

    return shoot


@pytest.fixture(scope="module")
def driver():
    reason = _browser_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400"]:
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.implicitly_wait(0)
    yield browser
    browser.quit()


def _wait(driver, condition):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition)


def _visible(driver, css: str, within=None):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    if within is None:
        return _wait(driver, ec.visibility_of_element_located((By.CSS_SELECTOR, css)))
    return _wait(
        driver, lambda _driver: next((e for e in within.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), False)
    )


def _click(driver, element):
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _open_operation(driver, method: str, path: str):
    """Expand one operation of Swagger UI and press "Try it out"; returns the operation's block."""
    block = _visible(driver, f"#operations-{_operation_tag(driver, method, path)}")
    if "is-open" not in block.get_attribute("class"):
        _click(driver, block.find_element("css selector", ".opblock-summary"))
    _click(driver, _visible(driver, ".try-out__btn", within=block))
    return block


def _operation_tag(driver, method: str, path: str) -> str:
    """Swagger UI's element id for an operation: operations-<tag>-<operationId>."""
    element = _wait(
        driver,
        lambda d: d.execute_script(
            "return [...document.querySelectorAll('.opblock')].find(b =>"
            " b.querySelector('.opblock-summary-method')?.textContent === arguments[0] &&"
            " b.querySelector('.opblock-summary-path')?.getAttribute('data-path') === arguments[1]);",
            method.upper(),
            path,
        ),
    )
    return element.get_attribute("id").removeprefix("operations-")


def _execute(driver, block) -> tuple[int, str]:
    """Press Execute and wait for the live answer; returns its status code and body text."""
    _click(driver, _visible(driver, ".execute", within=block))
    status_cell = _visible(driver, ".live-responses-table tr.response .response-col_status", within=block)
    body = _visible(driver, ".live-responses-table .response-col_description pre", within=block)
    return int(status_cell.text.strip()), body.text


def _type_body(driver, block, body: dict) -> None:
    textarea = _visible(driver, "textarea.body-param__text", within=block)
    textarea.clear()
    textarea.send_keys(json.dumps(body))


def _fill_form_field(driver, block, name: str, value: str) -> None:
    field = _visible(driver, f'tr[data-param-name="{name}"] input', within=block)
    field.clear()
    field.send_keys(value)


def _authorize(driver, value: str, shots) -> None:
    """Authorize button, paste the value, Authorize, Close: as a person does it."""
    _click(driver, _visible(driver, ".auth-wrapper .authorize"))
    dialog = _visible(driver, ".dialog-ux .modal-ux")
    _visible(driver, "input[type=text]", within=dialog).send_keys(value)
    _click(driver, _visible(driver, "button.authorize", within=dialog))
    # the dialog now says "Authorized" and offers Logout instead of Authorize: the value is stored
    _wait(driver, lambda _driver: "Logout" in dialog.text and "Authorized" in dialog.text)
    shots(driver, "authorized")
    _click(driver, _visible(driver, "button.btn-done", within=dialog))


def test_swagger_ui_register_login_authorize_create_and_list_a_certificate(driver, live_server, shots):
    email, password = "grace@example.com", "compiler-pioneer-1952"
    driver.get(f"{live_server.url}/api/docs/")
    _visible(driver, ".opblock-tag")
    shots(driver, "docs")

    block = _open_operation(driver, "post", "/auth/register/")
    _type_body(driver, block, {"email": email, "password": password})
    status, _text = _execute(driver, block)
    shots(driver, "registered")
    assert status == 201

    block = _open_operation(driver, "post", "/auth/login/")
    _type_body(driver, block, {"email": email, "password": password})
    status, text = _execute(driver, block)
    shots(driver, "logged-in")
    assert status == 200
    access = json.loads(text)["access"]

    _authorize(driver, f"Bearer {access}", shots)

    driver.refresh()  # the authorization must survive a reload (PERSIST_AUTH): the 201 below needs the token
    _visible(driver, ".opblock-tag")
    block = _open_operation(driver, "post", "/certificates/")
    _fill_form_field(driver, block, "title", "Data Analysis with Python")
    _fill_form_field(driver, block, "issuer", "freeCodeCamp")
    _fill_form_field(driver, block, "date_earned", "2024-05-14")
    file_input = _visible(driver, 'tr[data-param-name="file_upload"] input[type=file]', within=block)
    file_input.send_keys(str(CERTIFICATES / "data-analysis-with-python.pdf"))
    status, text = _execute(driver, block)
    shots(driver, "certificate-created")
    assert status == 201, text
    created = json.loads(text)
    assert created["file_upload"].endswith(".pdf")

    block = _open_operation(driver, "get", "/certificates/")
    status, text = _execute(driver, block)
    shots(driver, "certificates-listed")
    assert status == 200
    assert [row["title"] for row in json.loads(text)["results"]] == ["Data Analysis with Python"]


def test_admin_staff_sees_a_goals_steps_inline(driver, live_server, shots):
    staff = UserFactory(email="staff@example.com", username="staff", is_staff=True, is_superuser=True)
    goal = GoalFactory(title="Ship the portfolio")
    for order, title in enumerate(["Outline", "Draft", "Publish"]):
        goal_step_create(goal=goal, title=title, order=order, is_done=order == 0)  # the service keeps the counters

    driver.get(f"{live_server.url}/admin/")
    _visible(driver, "#id_username").send_keys(staff.username)
    _visible(driver, "#id_password").send_keys("correct-horse-battery")
    shots(driver, "admin-login")
    _click(driver, _visible(driver, "input[type=submit]"))
    _visible(driver, "#site-name")

    driver.get(f"{live_server.url}/admin/users/goal/{goal.pk}/change/")
    inline = _visible(driver, "#steps-group")
    shots(driver, "admin-goal-with-steps")
    titles = [field.get_attribute("value") for field in inline.find_elements("css selector", "input[name$='-title']")]
    assert titles[:3] == ["Outline", "Draft", "Publish"]
    assert _visible(driver, "#id_total_steps").get_attribute("value") == "3"
