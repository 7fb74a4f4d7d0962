"""Checks the pictures `twinloop run --trace_chrome --svg` drew of the six
signups of cli/testdata/signup6.json (2 cores, a pool of 4, 100 ms hashes):
four tasks from 0 to 200 ms, two from 200 to 300 ms after waiting 200 ms.

  check_pictures.py chrome TRACE.json
  check_pictures.py svg PICTURE.svg
  check_pictures.py png PICTURE.svg SCREENSHOT.png   (the SVG as Chromium drew it)

Prints what is wrong and exits 1, or prints "ok".
"""
import json
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def check_chrome(path):
    doc = json.load(open(path))
    events = doc["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] == "thread_name"}
    check(names == {1: "loop", 2: "pool-0", 3: "pool-1", 4: "pool-2", 5: "pool-3", 6: "net"},
          "thread names: %s" % names)
    tasks = [(e["name"], names.get(e["tid"]), e["ts"], e["ts"] + e["dur"])
             for e in events if e["ph"] == "X" and e.get("cat") == "task"]
    want = [("signup %d" % (i + 1), "pool-%d" % i, 0, 200000) for i in range(4)] + \
           [("signup 5", "pool-0", 200000, 300000), ("signup 6", "pool-1", 200000, 300000)]
    check(tasks == want, "pool slices: %s" % tasks)
    waits = {}
    for e in events:
        if e.get("cat") == "queue" and e["ph"] in "be":
            waits.setdefault(e["id"], {})[e["ph"]] = e["ts"]
    check({k: v["e"] - v["b"] for k, v in waits.items()} ==
          {1: 0, 2: 0, 3: 0, 4: 0, 5: 200000, 6: 200000}, "queue waits: %s" % waits)
    logs = [e["name"] for e in events if e["ph"] == "i" and e.get("cat") == "log"]
    check(logs == ["net"] + ["signup %d" % i for i in range(1, 7)], "log instants: %s" % logs)


def svg_layout(path):
    root = ET.parse(path).getroot()  # raises if the SVG is not well-formed XML
    assert root.tag == SVG + "svg", root.tag
    ticks = {t.get("data-ms"): float(t.get("x1")) for t in root.iter(SVG + "line")
             if t.get("class") == "tick"}
    rects = [r for r in root.iter(SVG + "rect")]
    bars = lambda cls: [r for r in rects if r.get("class") == cls]
    return root, ticks, bars


def check_svg(path):
    root, ticks, bars = svg_layout(path)
    x = lambda r: float(r.get("x"))
    end = lambda r: float(r.get("x")) + float(r.get("width"))
    tasks = bars("task")
    check(len(tasks) == 6, "%d task bars" % len(tasks))
    for i, r in enumerate(tasks):
        start_ms, end_ms = ("0", "200") if i < 4 else ("200", "300")
        check(abs(x(r) - ticks[start_ms]) < 0.01 and abs(end(r) - ticks[end_ms]) < 0.01,
              "task %d spans %.2f-%.2f, ticks %s" % (i + 1, x(r), end(r), ticks))
        check(r.find(SVG + "title").text.startswith("signup %d:" % (i + 1)),
              "task %d title" % (i + 1))
    ys = [float(r.get("y")) for r in tasks]
    check(len(set(ys[:4])) == 4 and ys[4] == ys[0] and ys[5] == ys[1], "lanes: %s" % ys)
    waits = bars("queued")
    check(len(waits) == 2 and all(abs(x(r) - ticks["0"]) < 0.01 and
                                  abs(end(r) - ticks["200"]) < 0.01 for r in waits),
          "queue bars: %s" % [(x(r), end(r)) for r in waits])
    lanes = [t.get("data-lane") for t in root.iter(SVG + "text") if t.get("class") == "lane"]
    check(lanes == ["loop", "pool-0", "pool-1", "pool-2", "pool-3", "net", "queue"],
          "lanes: %s" % lanes)


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, lambda px, py: tuple(rows[py][px * bpp:px * bpp + 3])


def check_png(svg_path, png_path):
    root, ticks, bars = svg_layout(svg_path)
    width, height, pixel = read_png(png_path)
    check(width >= float(root.get("width")) and height >= float(root.get("height")),
          "screenshot %dx%d smaller than the picture" % (width, height))
    near = lambda c, want: all(abs(a - b) <= 24 for a, b in zip(c, want))
    green, white = (0x59, 0xA1, 0x4F), (255, 255, 255)
    for r in bars("task"):
        cx = int(float(r.get("x")) + float(r.get("width")) * 0.25)
        cy = int(float(r.get("y")) + 3)
        check(near(pixel(cx, cy), green), "task %s drawn %s at (%d,%d), not green" %
              (r.get("data-id"), pixel(cx, cy), cx, cy))
    # After 200 ms, pool-2 and pool-3 are idle: white (225 ms, between grid lines).
    r3 = bars("task")[2]
    cx, cy = int((ticks["200"] + ticks["250"]) / 2), int(float(r3.get("y")) + 3)
    check(near(pixel(cx, cy), white), "pool-2 after 200 ms drawn %s" % (pixel(cx, cy),))
    # The queue is hatched: orange and light orange in one bar.
    w = bars("queued")[0]
    y = int(float(w.get("y")) + float(w.get("height")) / 2)
    seen = {pixel(px, y) for px in range(int(float(w.get("x"))) + 2, int(float(w.get("x"))) + 40)}
    check(any(near(c, (0xF2, 0x8E, 0x2B)) for c in seen) and
          any(near(c, (0xFD, 0xE3, 0xC4)) for c in seen), "queue bar colours: %s" % seen)


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "chrome":
        check_chrome(sys.argv[2])
    elif what == "svg":
        check_svg(sys.argv[2])
    elif what == "png":
        check_png(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown check " + what)
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("ok")
