#!/usr/bin/env python3
"""Signing in to the web UI in headless Chromium, driven by Selenium, against a running
`apus serve` that requires credentials: HTTP Basic users (reader: read, boss: admin) and an
OpenID Connect provider (oidc-provider-mock, where alice has the apus-write role).

    webui_login_browser.py BASE_URL OIDC_URL ARTIFACTS

The server holds make_ui_studies.py's three studies. Prints {"checks": {name: {"ok", "detail"}}}
and exits 0 when every check passed, 1 when one failed, 2 when the browser could not start.
"""
import base64
import json
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webui_support import Checks, run, wait  # noqa: E402

BASE, OIDC, ARTIFACTS = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), sys.argv[3]
DOWNLOADS = tempfile.mkdtemp(prefix="apus-login-downloads-")
ROOT = "2.25.31415926535897932384626"
checks = Checks(ARTIFACTS)
check, shot, accessible = checks.check, checks.shot, checks.accessible


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "table.studies tbody tr")


def shown(driver, selector):
    return any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, selector))


def http(path, authorization=None, method="GET"):
    request = urllib.request.Request(BASE + path, method=method)
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def on_login_page(driver):
    return "#/login" in driver.current_url and driver.find_elements(By.ID, "login-user")


def sign_in(driver, user, password):
    wait(driver, on_login_page, message="the login form")
    driver.find_element(By.ID, "login-user").clear()
    driver.find_element(By.ID, "login-user").send_keys(user)
    driver.find_element(By.ID, "login-password").clear()
    driver.find_element(By.ID, "login-password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()


def sign_out(driver):
    driver.find_element(By.ID, "sign-out").click()
    wait(driver, on_login_page, message="back at the login form")


def basic_reader(driver):
    driver.get(BASE + "/")
    wait(driver, on_login_page, message="a page without credentials goes to the login form")
    check("login: the page asks for credentials first", on_login_page(driver), driver.current_url)
    text = driver.find_element(By.ID, "main").text
    check("login: both ways in are offered, nothing else", driver.find_elements(By.ID, "login-oidc")
          and driver.find_elements(By.ID, "login-password") and "null" not in text and "undefined" not in text, text)
    shot(driver, "login-1-form")
    accessible(driver, "login form")

    sign_in(driver, "reader", "not-the-password")
    message = wait(driver, lambda d: d.find_element(By.ID, "login-status").text, message="a refusal")
    check("login: a wrong password is refused with a message", "Wrong user name or password" in message
          and on_login_page(driver), message)
    shot(driver, "login-2-refused")

    sign_in(driver, "reader", "read-secret")
    wait(driver, lambda d: len(rows(d)) == 3, message="the study list after signing in")
    user = driver.find_element(By.ID, "user-name").text
    check("login: Basic user signed in, shown in the header", user == "reader (read)", user)
    check("roles: a reader sees no Upload and no Delete",
          not shown(driver, "a[data-nav='upload']") and not shown(driver, "#selection-delete"),
          [shown(driver, "a[data-nav='upload']"), shown(driver, "#selection-delete")])
    shot(driver, "login-3-reader")
    driver.get(BASE + "/ui/#/upload")
    text = wait(driver, lambda d: d.find_element(By.ID, "main").text, message="upload page")
    check("roles: the upload page tells a reader why not", "needs the write role" in text, text)

    # A link carries the credentials through the cookie: the study downloads as a ZIP.
    driver.get(BASE + "/ui/#/study/" + urllib.parse.quote(f"{ROOT}.1"))
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".series-card")) == 2, message="2 series")
    before = set(os.listdir(DOWNLOADS))
    driver.find_element(By.CSS_SELECTOR, "a[aria-label='Download the study as ZIP']").click()

    def finished(_):
        new = [n for n in os.listdir(DOWNLOADS) if n not in before]
        return None if not new or any(n.endswith(".crdownload") for n in new) else os.path.join(DOWNLOADS, new[0])
    path = wait(driver, finished, 60, message="ZIP download")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    check("login: a ZIP link works signed in (8 instances)", len(names) == 8, names)

    sign_out(driver)
    status = driver.execute_async_script(
        "const done = arguments[0]; fetch('/dicom-web/studies', {headers: {'X-Requested-With': 'XMLHttpRequest'}})"
        ".then(r => done([r.status, r.headers.get('WWW-Authenticate')]))")
    check("login: signed out, the page's requests are refused (and offer no Basic dialog)",
          status[0] == 401 and "Basic" not in (status[1] or ""), status)


def basic_admin(driver):
    sign_in(driver, "boss", "admin-secret")
    wait(driver, lambda d: len(rows(d)) == 3, message="the study list for the admin")
    check("roles: an admin sees Upload and Delete",
          shown(driver, "a[data-nav='upload']") and shown(driver, "#selection-delete"), driver.find_element(By.ID, "user-name").text)
    box = "//table[contains(@class,'studies')]//tr[td[1][normalize-space()='ROE, JANE']]//td[contains(@class,'select')]/input"
    driver.find_element(By.XPATH, box).click()
    wait(driver, lambda d: d.find_element(By.ID, "selection-count").text == "1 study selected")
    shot(driver, "login-4-admin-selection")
    driver.find_element(By.ID, "selection-delete").click()
    alert = wait(driver, lambda d: d.switch_to.alert, message="the confirmation")
    question = alert.text
    alert.accept()
    wait(driver, lambda d: len(rows(d)) == 2, message="the list without the deleted study")
    listed = sorted(r.find_elements(By.TAG_NAME, "td")[0].text for r in rows(driver))
    check("delete: the confirmed study is gone from the list", listed == ["DOE, ANNA", "DOE, JOHN"] and "ROE" in question,
          [listed, question])
    status, body = http("/dicom-web/studies?PatientName=ROE*", basic("boss", "admin-secret"))
    check("delete: and from the archive", status == 204 or json.loads(body or b"[]") == [], [status, body[:200]])
    sign_out(driver)


def oidc_user(driver):
    driver.get(BASE + "/ui/#/studies")
    wait(driver, on_login_page, message="the login form")
    driver.find_element(By.ID, "login-oidc").click()
    wait(driver, lambda d: d.current_url.startswith(OIDC), message="the provider's form")
    shot(driver, "login-5-provider")
    field = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "input[name='sub']"), message="subject field")
    field.send_keys("alice")
    driver.find_element(By.XPATH, "//button[normalize-space()='Authorize']").click()
    wait(driver, lambda d: d.current_url.startswith(BASE) and len(rows(d)) == 2, message="back, signed in")
    user = driver.find_element(By.ID, "user-name").text
    check("oidc: signed in through the provider, with the role of its claim", user == "alice (write)", user)
    check("oidc: the address no longer holds the code", "code=" not in driver.current_url, driver.current_url)
    check("roles: a writer sees Upload but no Delete",
          shown(driver, "a[data-nav='upload']") and not shown(driver, "#selection-delete"), user)
    shot(driver, "login-6-oidc")
    token = driver.execute_script("return sessionStorage.getItem('apus.authorization')") or ""
    status, _ = http("/auth/me", token)
    check("oidc: the token works for scripts too (Bearer)", token.startswith("Bearer ") and status == 200, status)
    status, _ = http("/studies", token, method="DELETE")
    check("oidc: and a writer may not delete (403)", status in (403, 405), status)
    accessible(driver, "study list signed in")


def main():
    # The 401s of signing in (no credentials yet, a wrong password) are the protocol at work,
    # and the provider's page is not ours (it links a CSS file from a CDN).
    return run([basic_reader, basic_admin, oidc_user], checks, shot, DOWNLOADS,
               ignored_console=lambda m: "401" in m or OIDC in m or "cdn.jsdelivr.net" in m)


if __name__ == "__main__":
    sys.exit(main())
