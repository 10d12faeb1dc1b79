import json, os, sys, warnings
import jsonschema, pymisp
from pymisp import MISPEvent
path = sys.argv[1]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the deprecation notice of validate=True
    ev = MISPEvent()
    ev.load_file(path, validate=True)
data_dir = os.path.join(os.path.dirname(pymisp.__file__), "data")
raw = json.load(open(path))
jsonschema.validate(raw, json.load(open(os.path.join(data_dir, "schema-lax.json"))))
types = json.load(open(os.path.join(data_dir, "describeTypes.json")))["result"]
rels = {r["name"] for r in json.load(open(os.path.join(data_dir, "misp-objects", "relationships", "definition.json")))["values"]}
problems = []
# Types and categories are checked on the file itself: PyMISP silently replaces a category that
# does not fit the type with the type's default while loading.
def attr(a, where):
    if a.get("type") not in types["types"]:
        problems.append("%s: unknown type %s" % (where, a.get("type")))
    elif a.get("type") not in types["category_type_mappings"].get(a.get("category"), []):
        problems.append("%s: type %s not allowed in category %s" % (where, a.get("type"), a.get("category")))
for a in raw["Event"].get("Attribute", []):
    attr(a, "attribute %s" % a.get("value"))
for o in raw["Event"].get("Object", []):
    for a in o.get("Attribute", []):
        attr(a, "object %s/%s" % (o.get("name"), a.get("object_relation")))
uuids = {o.uuid for o in ev.objects}
for o in ev.objects:
    d = json.load(open(os.path.join(data_dir, "misp-objects", "objects", o.name, "definition.json")))
    if not o._known_template:
        problems.append("object %s: template unknown to PyMISP" % o.name)
    if o.template_uuid != d["uuid"] or str(o.template_version) != str(d["version"]):
        problems.append("object %s: template %s v%s, bundled %s v%s" % (o.name, o.template_uuid, o.template_version, d["uuid"], d["version"]))
    o.to_dict(strict=True)  # raises on a missing required relation or a repeated single one
    for a in o.attributes:
        t = d["attributes"].get(a.object_relation)
        if t is None:
            problems.append("object %s: relation %s not in template" % (o.name, a.object_relation))
        elif t["misp-attribute"] != a.type:
            problems.append("object %s: relation %s has type %s, template says %s" % (o.name, a.object_relation, a.type, t["misp-attribute"]))
    for r in o.references:
        if r.referenced_uuid not in uuids:
            problems.append("object %s: dangling reference %s" % (o.name, r.referenced_uuid))
        if r.relationship_type not in rels:
            problems.append("object %s: relationship %s not in misp-objects relationships" % (o.name, r.relationship_type))
for p in problems:
    print("PROBLEM", p)
print("pymisp %s: event %s, %d attributes, %d objects (%d object attributes), %d tags; schema-lax ok; %d problems"
      % (pymisp.__version__, ev.uuid, len(ev.attributes), len(ev.objects), sum(len(o.attributes) for o in ev.objects), len(ev.tags), len(problems)))
sys.exit(1 if problems else 0)
