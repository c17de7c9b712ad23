// Opens the storage URL in $NASFORGE_OPEN_CHILD (JSON: { url, mustExist, write }), lists its
// studies (and with `write` creates one), and prints one JSON line: { ok: true, studies } or
// { error: { name, code, message } }. The read-only tests run it as an
// unprivileged user (root may write any file). Does nothing without that variable.
const spec = process.env.NASFORGE_OPEN_CHILD;
if (spec) {
  const { url, mustExist, write } = JSON.parse(spec) as { url: string; mustExist?: boolean; write?: boolean };
  const { openStorage } = await import('../../src/study/index.js');
  try {
    const s = await openStorage(url, { mustExist });
    const studies = (await s.listStudies()).map((x) => x.name);
    if (write) await s.createStudy('written', {});
    await s.close();
    process.stdout.write(`${JSON.stringify({ ok: true, studies })}\n`);
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    process.stdout.write(`${JSON.stringify({ error: { name: err.name, code: err.code, message: err.message } })}\n`);
  }
}
