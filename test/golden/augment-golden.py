"""Golden outputs of Pillow for the CPU reference of src/stages/augment (test/unit/augment-reference.test.ts).

Made with:  /usr/bin/python3 test/golden/augment-golden.py > test/golden/augment-pil.json   (Pillow 9.4, Debian 12)
torchvision is not installed: its PIL code paths for RandAugment (torchvision/transforms/functional.py,
_functional_pil.py, autoaugment.py) are restated below, they only compute arguments and call Pillow.
Images are random RGB; images and outputs are raw RGB bytes, row-major, in hex.
"""
import json, math, random
import PIL
from PIL import Image, ImageEnhance, ImageOps

rng = random.Random(2006)

def rand_image(w, h, lo=0, hi=255):
    return Image.frombytes("RGB", (w, h), bytes(rng.randint(lo, hi) for _ in range(w * h * 3)))

def inverse_affine(center, angle, translate, scale, shear):  # torchvision _get_inverse_affine_matrix
    rot = math.radians(angle); sx = math.radians(shear[0]); sy = math.radians(shear[1])
    cx, cy = center; tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    m = [d, -b, 0.0, -c, a, 0.0]
    m = [x / scale for x in m]
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
    m[2] += cx; m[5] += cy
    return m

def affine(img, angle, translate, shear, center):  # torchvision F.affine, PIL path, NEAREST, fill 0
    if center is None: center = [img.size[0] * 0.5, img.size[1] * 0.5]
    m = inverse_affine(center, angle, translate, 1.0, shear)
    return img.transform(img.size, Image.AFFINE, m, Image.NEAREST, fillcolor=0)

def apply_op(img, name, mag):  # torchvision.transforms.autoaugment._apply_op on PIL images
    if name == "ShearX": return affine(img, 0.0, [0, 0], [math.degrees(math.atan(mag)), 0.0], [0, 0])
    if name == "ShearY": return affine(img, 0.0, [0, 0], [0.0, math.degrees(math.atan(mag))], [0, 0])
    if name == "TranslateX": return affine(img, 0.0, [int(mag), 0], [0.0, 0.0], None)
    if name == "TranslateY": return affine(img, 0.0, [0, int(mag)], [0.0, 0.0], None)
    if name == "Rotate": return img.rotate(mag, Image.NEAREST, expand=False, center=None, fillcolor=0)
    if name == "Brightness": return ImageEnhance.Brightness(img).enhance(1.0 + mag)
    if name == "Color": return ImageEnhance.Color(img).enhance(1.0 + mag)
    if name == "Contrast": return ImageEnhance.Contrast(img).enhance(1.0 + mag)
    if name == "Sharpness": return ImageEnhance.Sharpness(img).enhance(1.0 + mag)
    if name == "Posterize": return ImageOps.posterize(img, int(mag))
    if name == "Solarize": return ImageOps.solarize(img, mag)
    if name == "AutoContrast": return ImageOps.autocontrast(img)
    if name == "Equalize": return ImageOps.equalize(img)
    if name == "Identity": return img
    raise ValueError(name)

cases = []
def add(img, op, args, out):
    cases.append({"img": imgs.index(img), "op": op, "args": args, "out": out.tobytes().hex()})

imgs = [rand_image(10, 8), rand_image(7, 13), rand_image(9, 9, 40, 180), rand_image(12, 6, 100, 140)]
# Signed torchvision magnitudes at bin 9 of 31 and a few others.
for img in imgs:
    W, H = img.size
    for name, mags in [("ShearX", [0.09, -0.09, 0.3]), ("ShearY", [0.09, -0.21]),
                       ("TranslateX", [150 / 331 * W * 0.3, -150 / 331 * W * 0.3, 2.0]),
                       ("TranslateY", [150 / 331 * H * 0.3, -3.0]), ("Rotate", [9.0, -9.0, 15.0, -27.5, 90.0, 180.0, -90.0, 360.0]),
                       ("Brightness", [0.27, -0.27, 0.9, -0.9]), ("Color", [0.27, -0.27, -0.9]),
                       ("Contrast", [0.27, -0.27, 0.9]), ("Sharpness", [0.27, -0.27, 0.9, -0.9]),
                       ("Posterize", [7, 4, 1]), ("Solarize", [178.5, 0.0, 255.0, 100.0]),
                       ("AutoContrast", [0.0]), ("Equalize", [0.0])]:
        for m in mags:
            add(img, name, [m], apply_op(img, name, m))
    add(img, "HFlip", [], img.transpose(Image.FLIP_LEFT_RIGHT))
    # torchvision F.resized_crop on PIL: crop (left, top, right, bottom), then resize with BILINEAR.
    for (top, left, h, w) in [(1, 2, 4, 5), (0, 0, H, W), (2, 1, H - 2, W - 3), (H // 2, W // 2, 1, 1)]:
        add(img, "ResizedCrop", [top, left, h, w, H, W],
            img.crop((left, top, left + w, top + h)).resize((W, H), Image.BILINEAR))
    add(img, "ResizedCrop", [0, 0, H, W, max(1, H // 2), max(1, W // 3)], img.resize((max(1, W // 3), max(1, H // 2)), Image.BILINEAR))
images = [{"w": i.size[0], "h": i.size[1], "rgb": i.tobytes().hex()} for i in imgs]
print(json.dumps({"source": "Pillow %s via test/golden/augment-golden.py" % PIL.__version__, "images": images,
                  "cases": cases}, indent=0))
