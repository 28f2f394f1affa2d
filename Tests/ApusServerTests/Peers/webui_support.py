"""What both browser tests share: headless Chromium under Selenium, the run of their steps
with a JSON report, and the accessibility basics they check on each page."""
import json
import os
import shutil
import traceback

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

# Labels and contrast, the basics an accessibility checker looks at first: every control has
# an accessible name, and visible text reaches 4.5:1 (3:1 when large) against what is behind it.
ACCESSIBILITY = r"""
function rgba(text) {
  const m = /rgba?\(([^)]+)\)/.exec(text); if (!m) return [0, 0, 0, 0];
  const p = m[1].split(',').map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function over(top, bottom) {
  const a = top[3]; return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
}
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor); if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
    if (e.classList && e.classList.contains('viewport')) { layers.push([0, 0, 0, 1]); break; }
  }
  let color = [255, 255, 255, 1];
  for (const layer of layers.reverse()) color = over(layer, color);
  return color;
}
function luminance(c) {
  const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const problems = [];
for (const el of document.querySelectorAll('input, select, textarea, button, [role=button], a[href]')) {
  if (el.type === 'hidden' || el.offsetParent === null && el.type !== 'file') continue;
  const byLabel = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
  const name = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (byLabel && byLabel.textContent.trim())
    || (el.closest('label') && el.closest('label').textContent.trim()) || (['BUTTON', 'A'].includes(el.tagName) && el.textContent.trim())
    || el.getAttribute('title');
  if (!name) problems.push(`no accessible name: ${el.outerHTML.slice(0, 120)}`);
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
while (walker.nextNode()) {
  const node = walker.currentNode; const el = node.parentElement;
  if (!node.textContent.trim() || !el || seen.has(el)) continue; seen.add(el);
  const rect = el.getBoundingClientRect(); const style = getComputedStyle(el);
  if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || el.closest('.visually-hidden, [hidden], option')) continue;
  const fg = over(rgba(style.color), background(el)); const bg = background(el);
  const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  const ratio = (l1 + 0.05) / (l2 + 0.05);
  const size = parseFloat(style.fontSize); const bold = Number(style.fontWeight) >= 700;
  const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
  if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: "${node.textContent.trim().slice(0, 40)}"`);
}
return problems;
"""


class Checks(dict):
    """The report: check name → {"ok", "detail"}, with the screenshots kept in `artifacts`."""

    def __init__(self, artifacts):
        super().__init__()
        self.artifacts = artifacts

    def check(self, name, ok, detail=""):
        self[name] = {"ok": bool(ok), "detail": str(detail)[:2000]}

    def shot(self, driver, name):
        os.makedirs(self.artifacts, exist_ok=True)
        driver.save_screenshot(os.path.join(self.artifacts, f"{name}.png"))

    def accessible(self, driver, page):
        problems = driver.execute_script(ACCESSIBILITY)
        self.check(f"accessibility: {page}", not problems, "; ".join(problems[:10]))


def wait(driver, condition, timeout=20, message=""):
    return WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: condition(d), message)


def run(steps, checks, shot, downloads, ignored_console=lambda message: False):
    """Runs `steps` (functions of the driver) in one headless Chromium that saves downloads to
    `downloads`, records a failed step in `checks`, then checks the browser console (messages
    `ignored_console` accepts aside). Prints {"checks": …}; returns 0 when every check passed,
    1 when one failed, 2 when the browser could not start."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=en-US"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                              "download.prompt_for_download": False})
    try:
        driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        driver.set_script_timeout(30)
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    except Exception as error:  # the browser is missing or does not start: fail, say why
        print(json.dumps({"error": f"chromium did not start: {error}"}))
        return 2
    try:
        for step in steps:
            try:
                step(driver)
            except Exception:
                checks[f"{step.__name__} ran to the end"] = {"ok": False, "detail": traceback.format_exc(limit=3)}
                shot(driver, f"failed-{step.__name__}")
        errors = [e["message"] for e in driver.get_log("browser")
                  if e["level"] == "SEVERE" and not ignored_console(e["message"])]
        checks["no console errors"] = {"ok": not errors, "detail": str(errors[:10])}
    finally:
        driver.quit()
        shutil.rmtree(downloads, ignore_errors=True)
    print(json.dumps({"checks": checks}, indent=1))
    return 0 if all(c["ok"] for c in checks.values()) else 1
