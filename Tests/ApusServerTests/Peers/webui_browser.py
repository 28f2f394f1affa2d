#!/usr/bin/env python3
"""The web UI in headless Chromium, driven by Selenium, against a running `apus serve`.

    webui_browser.py BASE_URL FIXTURES ARTIFACTS

BASE_URL is the server's HTTP root, FIXTURES the folder make_ui_studies.py wrote (its archive/
already stored in the server), ARTIFACTS where screenshots go. Prints one JSON object:
{"checks": {name: {"ok": bool, "detail": str}}}; exits 0 when every check passed, 1 when one
failed, 2 when the browser could not start.
"""
import hashlib
import io
import json
import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile

import pydicom
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webui_support import Checks, run, wait  # noqa: E402

BASE, FIXTURES, ARTIFACTS = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
DOWNLOADS = tempfile.mkdtemp(prefix="apus-webui-downloads-")
ROOT = "2.25.31415926535897932384626"
checks = Checks(ARTIFACTS)
check, shot, accessible = checks.check, checks.shot, checks.accessible


def click(driver, by, selector, timeout=20):
    """Clicks an element that the page may be re-rendering (a search answered meanwhile
    replaces the table): looked up again until a click lands on a live element."""
    def attempt(d):
        d.find_element(by, selector).click()
        return True
    wait(driver, attempt, timeout, message=f"click {selector}")


CANVAS_SUM = """
const c = document.getElementById('viewer-canvas'); const x = c.getContext('2d');
const d = x.getImageData(0, 0, c.width, c.height).data; let s = 0, n = 0;
for (let i = 0; i < d.length; i += 4) { s += d[i] * (1 + (i / 4) % 7); n += d[i] > 0 ? 1 : 0; }
return [s, n];
"""


# The UI's modules on their own, with inputs in the shapes PS3.18 defines (a STOW-RS response,
# a multipart body, DICOM JSON) and pixel data whose rendering is known.
UNITS = r"""
const done = arguments[arguments.length - 1];
(async () => {
  const results = {};
  const check = (name, ok, detail) => { results[name] = {ok: !!ok, detail: JSON.stringify(detail)}; };
  const upload = await import('/ui/js/views/upload.js');
  const studies = await import('/ui/js/views/studies.js');
  const mp = await import('/ui/js/multipart.js');
  const px = await import('/ui/js/pixels.js');
  const p10 = await import('/ui/js/part10.js');
  const json = await import('/ui/js/dicom-json.js');

  const stow = upload.stowResults({
    '00081199': {vr: 'SQ', Value: [{'00081155': {vr: 'UI', Value: ['1.1']}},
      {'00081155': {vr: 'UI', Value: ['1.2']}, '00081196': {vr: 'US', Value: [0xB000]}}]},
    '00081198': {vr: 'SQ', Value: [{'00081155': {vr: 'UI', Value: ['1.3']}, '00081197': {vr: 'US', Value: [0xA900]}},
      {'00081155': {vr: 'UI', Value: ['1.4']}, '00081197': {vr: 'US', Value: [0x0111]}}]}},
    '299 apus "1.3: failure 0xA900: no Study Instance UID"');
  const r = (uid) => stow.results.get(uid);
  check('unit: STOW-RS response read per instance', r('1.1').result === 'stored' && r('1.2').result === 'duplicate'
    && r('1.3').result === 'refused' && r('1.3').detail.includes('A900') && r('1.3').detail.includes('no Study Instance UID')
    && r('1.4').result === 'duplicate',
    [...stow.results]);

  const body = new TextEncoder().encode('--b1\r\nContent-Type: application/octet-stream\r\n\r\nab\r\n--b1\r\nContent-Type: x\r\n\r\n\r\n--b1--\r\n');
  const parts = mp.parseMultipart(body.buffer, 'multipart/related; type="application/octet-stream"; boundary="b1"');
  check('unit: multipart parts', parts.length === 2 && parts[0].body.length === 2 && parts[1].body.length === 0
    && parts[0].headers['content-type'] === 'application/octet-stream', parts.map((p) => [p.headers, p.body.length]));
  const built = mp.buildMultipart([new Blob(['xyz'])], 'application/dicom');
  const round = mp.parseMultipart(await built.body.arrayBuffer(), built.contentType);
  check('unit: multipart built for STOW-RS reads back', round.length === 1
    && new TextDecoder().decode(round[0].body) === 'xyz' && built.contentType.includes('type="application/dicom"'), built.contentType);

  const file = new Uint8Array(132 + 8 + 4 + 8 + 6);
  file.set(new TextEncoder().encode('DICM'), 128);
  file.set([0x02, 0, 0x02, 0, 0x55, 0x49, 4, 0], 132); file.set(new TextEncoder().encode('1.2\0'), 140);
  file.set([0x02, 0, 0x03, 0, 0x55, 0x49, 6, 0], 144); file.set(new TextEncoder().encode('1.2.3\0'), 152);
  check('unit: Part 10 meta gives the SOP Instance UID', p10.metaSOPInstanceUID(file) === '1.2.3'
    && p10.metaSOPInstanceUID(new Uint8Array(200)) === null, p10.metaSOPInstanceUID(file));

  const signed = {rows: 1, columns: 3, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1,
    photometric: 'MONOCHROME2', planarConfiguration: 0, frames: 1, slope: 2, intercept: -10, window: null};
  const raw = new Uint8Array(new Uint16Array([0x0FFF, 0x0001, 0x07FF]).buffer);
  const decoded = px.decodeFrame(raw, signed);
  check('unit: signed 12-bit pixels with rescale', [...decoded.values].join() === '-12,-8,4084', [...decoded.values]);
  const mono1 = {...signed, photometric: 'MONOCHROME1', pixelRepresentation: 0, bitsStored: 16, slope: 1, intercept: 0};
  const img = px.render(px.decodeFrame(new Uint8Array(new Uint16Array([0, 100, 200]).buffer), mono1),
    mono1, {center: 100, width: 101}, new ImageData(3, 1));
  check('unit: linear window, MONOCHROME1 inverted', img.data[0] === 255 && img.data[8] === 0
    && Math.abs(img.data[4] - 127) <= 2, [img.data[0], img.data[4], img.data[8]]);
  const rgb = {...signed, columns: 2, samplesPerPixel: 3, bitsAllocated: 8, photometric: 'RGB', planarConfiguration: 1};
  const color = px.decodeFrame(new Uint8Array([1, 2, 3, 4, 5, 6]), rgb);
  check('unit: planar RGB', [...color.rgba].join() === '1,3,5,255,2,4,6,255', [...color.rgba]);
  let compressed = '';
  try { px.checkDisplayable({...signed, transferSyntax: '1.2.840.10008.1.2.4.50'}); } catch (e) { compressed = e.message; }
  check('unit: compressed syntaxes are refused with a message', compressed.startsWith("Can't display compressed images yet"), compressed);

  const q = studies.searchParameters({name: 'doe', id: '', accession: 'A?', from: '2020-01-01', to: '', modality: 'CT',
    description: 'chest'}, 25, 50);
  check('unit: QIDO-RS parameters', q.PatientName === 'doe*' && q.AccessionNumber === 'A?' && q.StudyDate === '20200101-'
    && q.StudyDescription === '*chest*' && q.ModalitiesInStudy === 'CT' && q.limit === 26 && q.offset === 50, q);
  check('unit: person names', json.personName({Alphabetic: 'DOE^JOHN^^DR'}) === 'DOE, DR JOHN', json.personName({Alphabetic: 'DOE^JOHN^^DR'}));
  done(results);
})().catch((e) => done({'unit: modules load': {ok: false, detail: String(e.stack || e)}}));
"""


def units(driver):
    driver.get(BASE + "/ui/#/status")
    for name, result in driver.execute_async_script(UNITS).items():
        check(name, result["ok"], result["detail"])


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "table.studies tbody tr")


def names(driver):
    return [r.find_elements(By.TAG_NAME, "td")[0].text for r in rows(driver)]


def type_into(driver, element_id, text):
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def set_value(driver, element_id, value):
    driver.execute_script(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
        "e.dispatchEvent(new Event('input', {bubbles: true}));", element_id, value)


def study_list(driver):
    driver.get(BASE + "/")
    wait(driver, lambda d: len(rows(d)) == 3, message="3 studies listed")
    shot(driver, "1-study-list")
    accessible(driver, "study list")
    type_into(driver, "search-name", "doe")
    wait(driver, lambda d: len(rows(d)) == 2, message="2 DOE studies")
    listed = sorted(names(driver))
    check("search: patient name narrows the list", listed == ["DOE, ANNA", "DOE, JOHN"], listed)
    set_value(driver, "search-from", "2020-01-01")
    set_value(driver, "search-to", "2020-12-31")
    wait(driver, lambda d: len(rows(d)) == 1, message="one DOE study in 2020")
    check("search: date range narrows further", names(driver) == ["DOE, JOHN"], names(driver))
    driver.find_element(By.CSS_SELECTOR, "form.search button.secondary").click()
    wait(driver, lambda d: len(rows(d)) == 3, message="cleared")
    Select(driver.find_element(By.ID, "search-modality")).select_by_value("MR")
    wait(driver, lambda d: len(rows(d)) == 1, message="one MR study")
    check("search: modality", names(driver) == ["ROE, JANE"], names(driver))
    Select(driver.find_element(By.ID, "search-modality")).select_by_value("")
    type_into(driver, "search-accession", "ACC-0002")
    wait(driver, lambda d: len(rows(d)) == 1, message="accession")
    check("search: accession number", names(driver) == ["DOE, ANNA"], names(driver))
    driver.find_element(By.CSS_SELECTOR, "form.search button.secondary").click()
    wait(driver, lambda d: len(rows(d)) == 3, message="cleared")
    counts = {r.find_elements(By.TAG_NAME, "td")[0].text: (r.find_elements(By.TAG_NAME, "td")[6].text,
                                                           r.find_elements(By.TAG_NAME, "td")[7].text) for r in rows(driver)}
    check("study list: series and instance counts", counts.get("DOE, JOHN") == ("2", "8"), counts)
    Select(driver.find_element(By.ID, "search-limit")).select_by_value("10")
    wait(driver, lambda d: len(rows(d)) == 3, message="listed again with the new page size")
    click(driver, By.XPATH, "//th//button[contains(., 'Patient ID')]")
    wait(driver, lambda d: d.find_element(By.XPATH, "//th[contains(., 'Patient ID')]").get_attribute("aria-sort") == "ascending")
    ids = wait(driver, lambda d: [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows(d)] or None,
               message="sorted rows")
    check("study list: sorting by a column", ids == sorted(ids) and len(ids) == 3, ids)


def study_page(driver):
    driver.find_element(By.LINK_TEXT, "DOE, JOHN").click()
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".series-card")) == 2, message="2 series")
    check("study page: opens with its series", "CT CHEST" in driver.find_element(By.ID, "study-title").text,
          driver.find_element(By.ID, "study-title").text)
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".thumb[data-loaded]")) == 2, message="thumbnails")
    states = [t.get_attribute("data-loaded") for t in driver.find_elements(By.CSS_SELECTOR, ".thumb")]
    # Rendered by the server's thumbnail resource; drawn into a canvas to see that they hold an image.
    varied = driver.execute_script("""
      return [...document.querySelectorAll('.thumb img')].map(img => {
        const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
        const x = c.getContext('2d'); x.drawImage(img, 0, 0);
        const d = x.getImageData(0, 0, c.width, c.height).data; const v = new Set();
        for (let i = 0; i < d.length; i += 4) v.add(d[i]); return v.size; });""")
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/thumbnail?viewport=128,128')).length")
    check("study page: thumbnails load from the thumbnail resource",
          states == ["true", "true"] and len(varied) == 2 and all(v > 10 for v in varied) and fetched >= 2,
          f"{states} {varied} {fetched} {[t.text for t in driver.find_elements(By.CSS_SELECTOR, '.thumb')]}")
    shot(driver, "2-study")
    driver.find_element(By.CSS_SELECTOR, "button[aria-label^='Instances of Series 1']").click()
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".instances tbody tr")) == 5, message="5 instances")
    driver.find_element(By.CSS_SELECTOR, "button[aria-label='Tags of instance 1']").click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".tag-tree li"), message="tag tree")
    tree = driver.find_element(By.CSS_SELECTOR, ".tag-tree").text
    check("study page: tag tree", "PatientName" in tree and "DOE^JOHN" in tree and "AnatomicRegionSequence" in tree,
          tree[:300])
    type_into(driver, "tag-filter", "CodeMeaning")
    time.sleep(0.3)
    visible = [li.text for li in driver.find_elements(By.CSS_SELECTOR, ".tag-tree li") if li.is_displayed()]
    check("study page: tag filter opens the sequence holding a match",
          any("Chest" in v for v in visible) and not any("PatientName" in v for v in visible), visible[:5])
    shot(driver, "3-tags")
    accessible(driver, "study page")


def viewer(driver):
    driver.find_element(By.CSS_SELECTOR, "a[aria-label^='View Series 1']").click()
    wait(driver, lambda d: d.find_element(By.ID, "overlay-window").text.startswith("W "), message="a frame")
    corners = {c: driver.find_element(By.ID, f"overlay-{c}").text for c in ["patient", "study", "instance", "window"]}
    check("viewer: corner overlays", "DOE^JOHN" in corners["patient"].replace(", ", "^") and "2020-03-14" in corners["study"]
          and corners["instance"].startswith("Instance 1 ") and corners["window"].startswith("W 400 L 40"), corners)
    before = driver.execute_script(CANVAS_SUM)
    shot(driver, "4-viewer")
    Select(driver.find_element(By.ID, "viewer-preset")).select_by_visible_text("CT lung")
    wait(driver, lambda d: d.find_element(By.ID, "overlay-window").text.startswith("W 1500 L -600"), message="preset")
    preset = driver.execute_script(CANVAS_SUM)
    check("viewer: a window preset changes the canvas", before[0] > 0 and preset != before, f"{before} {preset}")
    viewport = driver.find_element(By.CSS_SELECTOR, ".viewport")
    label = driver.find_element(By.ID, "overlay-window").text
    ActionChains(driver).move_to_element(viewport).click_and_hold().move_by_offset(60, 40).release().perform()
    wait(driver, lambda d: d.find_element(By.ID, "overlay-window").text != label, message="dragged W/L")
    dragged = driver.execute_script(CANVAS_SUM)
    check("viewer: dragging changes window/level and the canvas", dragged != preset,
          f"{label} -> {driver.find_element(By.ID, 'overlay-window').text}; {preset} {dragged}")
    ActionChains(driver).scroll_from_origin(ScrollOrigin.from_element(viewport), 0, 120).perform()
    wait(driver, lambda d: d.find_element(By.ID, "overlay-instance").text.startswith("Instance 2 "), message="wheel")
    viewport.send_keys("\ue015")  # arrow down
    wait(driver, lambda d: d.find_element(By.ID, "overlay-instance").text.startswith("Instance 3 "), message="key")
    check("viewer: wheel and keys scroll to the next instance number",
          driver.find_element(By.ID, "overlay-instance").text.startswith("Instance 3 (3/5)"),
          driver.find_element(By.ID, "overlay-instance").text)
    viewport.send_keys("+")
    time.sleep(0.2)
    check("viewer: zoom", "%" in driver.find_element(By.ID, "overlay-window").text
          and not driver.find_element(By.ID, "overlay-window").text.endswith(corners["window"].split("·")[-1]),
          driver.find_element(By.ID, "overlay-window").text)
    shot(driver, "5-viewer-scrolled")
    accessible(driver, "viewer")


def upload(driver):
    driver.get(BASE + "/ui/#/upload")
    folder = os.path.join(FIXTURES, "upload")
    wait(driver, lambda d: d.find_elements(By.ID, "upload-folder"))
    accessible(driver, "upload")
    driver.find_element(By.ID, "upload-folder").send_keys(folder)
    wait(driver, lambda d: d.find_element(By.ID, "upload-summary").text, timeout=60, message="upload summary")
    results = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "#upload-results tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        results[os.path.basename(cells[0].text)] = (row.get_attribute("data-result"), cells[3].text)
    expected = {"up-1.dcm": "stored", "up-2.dcm": "stored", "up-3.dcm": "stored", "notes.txt": "refused"}
    check("upload: each file of a folder gets its result",
          all(results.get(k, ("",))[0] == v for k, v in expected.items())
          and results.get("again-s1-1-1.dcm", ("",))[0] == "duplicate", results)
    shot(driver, "6-upload")
    with urllib.request.urlopen(BASE + "/dicom-web/studies?PatientName=SMITH*&includefield=00201208") as response:
        found = json.loads(response.read() or b"[]")
    count = found[0].get("00201208", {}).get("Value", [0])[0] if found else 0
    check("upload: the files land in the archive", count == 3, found)


def status(driver):
    driver.get(BASE + "/ui/#/status")
    wait(driver, lambda d: "Instances" in d.find_element(By.CSS_SELECTOR, ".status").text, message="status")
    text = driver.find_element(By.CSS_SELECTOR, ".status").text
    check("status page: health, server and counts", "ok" in text and "SQLite" in text and "Instances\n18" in text, text)
    # The DICOM peers the test configured (DCMTK's storescp as STORESCP), echoed from the page.
    row = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, 'tr[data-peer="STORESCP"]'), message="peer row")
    check("status page: the configured peer with its address", "127.0.0.1:" in row.text, row.text)
    click(driver, By.CSS_SELECTOR, 'tr[data-peer="STORESCP"] button.echo')
    result = wait(driver, lambda d: (lambda t: t if t.startswith(("Success", "Failed", "Status")) else None)(
        d.find_element(By.CSS_SELECTOR, 'tr[data-peer="STORESCP"] .echo-result').text), message="echo result")
    check("status page: Echo reaches the peer (C-ECHO through /modalities)", result.startswith("Success"), result)
    # The change feed, newest first: the last upload's instances lead.
    items = driver.find_elements(By.CSS_SELECTOR, ".change-list li")
    first = items[0].text if items else ""
    check("status page: the 20 most recent changes, newest first",
          len(items) == 20 and first.startswith("NewInstance") and "UTC" in first,
          [item.text for item in items[:3]])
    sequences = [int(item.get_attribute("data-seq")) for item in items]
    check("status page: changes in descending sequence", sequences == sorted(sequences, reverse=True), sequences)
    shot(driver, "7-status")
    accessible(driver, "status")


def digest(data):
    """An instance as (SOP Instance UID, SHA-256 of its pixel data): C-STORE gave the stored
    file a meta header of Apus's own, so the data set is compared, not the file's bytes."""
    ds = pydicom.dcmread(io.BytesIO(data))
    return (str(ds.SOPInstanceUID), hashlib.sha256(ds.PixelData).hexdigest())


def fixtures(prefix):
    """The instances of the stored fixtures whose names start with `prefix` (s1-: DOE^JOHN's study)."""
    folder = os.path.join(FIXTURES, "archive")
    return sorted(digest(open(os.path.join(folder, n), "rb").read()) for n in os.listdir(folder) if n.startswith(prefix))


def download(driver, by, selector, timeout=60):
    """Clicks what starts a download; the saved file's entries once Chromium has finished it."""
    before = set(os.listdir(DOWNLOADS))
    click(driver, by, selector)

    def finished(_):
        new = [n for n in os.listdir(DOWNLOADS) if n not in before]
        if not new or any(n.endswith(".crdownload") for n in new):
            return None
        return os.path.join(DOWNLOADS, new[0])
    path = wait(driver, finished, timeout, message=f"download from {selector}")
    with zipfile.ZipFile(path) as archive:
        bad = archive.testzip()
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    return os.path.basename(path), bad, entries


def zip_download(driver):
    driver.get(BASE + "/ui/#/study/" + urllib.parse.quote(f"{ROOT}.1"))
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".series-card")) == 2, message="2 series")
    name, bad, entries = download(driver, By.CSS_SELECTOR, "a[aria-label='Download the study as ZIP']")
    check("zip: the study downloads as a ZIP of its instances",
          bad is None and sorted(digest(b) for b in entries.values()) == fixtures("s1-") and name.endswith(".zip"),
          f"{name} {bad} {sorted(entries)}")
    check("zip: readable folders, one .dcm per instance",
          "PID-1001 DOE JOHN/20200314 CT CHEST/CT1 AXIAL 2.5/CT000001.dcm" in entries
          and "PID-1001 DOE JOHN/20200314 CT CHEST/CT2 CORONAL/CT000001.dcm" in entries, sorted(entries))
    _, bad, entries = download(driver, By.CSS_SELECTOR, "a[aria-label='Download Series 2 CORONAL as ZIP']")
    check("zip: a series downloads as ZIP", bad is None and sorted(digest(b) for b in entries.values()) == fixtures("s1-2-"),
          sorted(entries))
    accessible(driver, "study page with ZIP links")

    driver.get(BASE + "/ui/#/studies")
    # The three of the archive and SMITH^UPLOAD's, from the upload step.
    wait(driver, lambda d: len(rows(d)) == 4, message="4 studies listed")
    for patient in ["DOE, ANNA", "ROE, JANE"]:
        click(driver, By.XPATH, f"//table[contains(@class,'studies')]//tr[td[1][normalize-space()='{patient}']]//td[contains(@class,'select')]/input")
    wait(driver, lambda d: d.find_element(By.ID, "selection-count").text == "2 studies selected", message="selection")
    shot(driver, "8-selection")
    _, bad, entries = download(driver, By.ID, "selection-zip")
    check("zip: the selected studies download as one ZIP",
          bad is None and sorted(digest(b) for b in entries.values()) == sorted(fixtures("s2-") + fixtures("s3-")),
          sorted(entries))
    accessible(driver, "study list with a selection")


def zip_upload(driver):
    driver.get(BASE + "/ui/#/upload")
    wait(driver, lambda d: d.find_elements(By.ID, "upload-files"))
    driver.find_element(By.ID, "upload-files").send_keys(os.path.join(FIXTURES, "zip", "upload.zip"))
    wait(driver, lambda d: d.find_element(By.ID, "upload-summary").text, timeout=60, message="upload summary")
    results = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "#upload-results tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        results[cells[0].text] = (row.get_attribute("data-result"), cells[3].text)
    expected = {"upload.zip › study/z-1.dcm": "stored", "upload.zip › study/z-2.dcm": "stored",
                "upload.zip › study/again.dcm": "duplicate", "upload.zip › readme.txt": "refused"}
    check("zip upload: each file of the archive gets its result",
          all(results.get(k, ("",))[0] == v for k, v in expected.items())
          and results["upload.zip › readme.txt"][1] != "" and results.get("upload.zip", ("",))[0] == "archive", results)
    summary = driver.find_element(By.ID, "upload-summary").text
    check("zip upload: the summary counts the files inside", "(4 in ZIP archives)" in summary and "2 stored" in summary,
          summary)
    shot(driver, "9-zip-upload")
    with urllib.request.urlopen(BASE + "/dicom-web/studies?PatientName=ZIP*&includefield=00201208") as response:
        found = json.loads(response.read() or b"[]")
    count = found[0].get("00201208", {}).get("Value", [0])[0] if found else 0
    check("zip upload: the files land in the archive", count == 2, found)


def main():
    # The ZIP steps come last: their upload adds instances the status page would count.
    return run([units, study_list, study_page, viewer, upload, status, zip_download, zip_upload], checks, shot, DOWNLOADS)


if __name__ == "__main__":
    sys.exit(main())
