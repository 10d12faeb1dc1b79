import json, sys, uuid
NS = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
CONTRIB = {"email-addr": ["value"], "url": ["value"], "domain-name": ["value"], "ipv4-addr": ["value"],
           "ipv6-addr": ["value"], "file": ["hashes", "name", "extensions", "parent_directory_ref"],
           "email-message": ["from_ref", "subject", "body"]}
objs = json.load(open(sys.argv[1]))["objects"]
checked = v4 = 0
for o in objs:
    props = CONTRIB.get(o["type"])
    if props is None:
        continue
    c = {k: o[k] for k in props if k in o}
    if "hashes" in c:
        # Section 2.9: one hash, by preference MD5, SHA-1, SHA-256 (stix2's _choose_one_hash).
        algo = next(a for a in ("MD5", "SHA-1", "SHA-256") if a in c["hashes"])
        c["hashes"] = {algo: c["hashes"][algo]}
    if not c:
        assert uuid.UUID(o["id"].split("--")[1]).version == 4, o["id"]
        v4 += 1
        continue
    want = "%s--%s" % (o["type"], uuid.uuid5(NS, json.dumps(c, sort_keys=True, separators=(",", ":"), ensure_ascii=False)))
    if o["id"] != want:
        assert o["type"] == "email-message" and uuid.UUID(o["id"].split("--")[1]).version == 4, (o["id"], want)
        v4 += 1
        continue
    checked += 1
print("SCO ids re-derived in Python: %d match the section 2.9 UUIDv5, %d are v4 (no or colliding contributing properties)" % (checked, v4))
