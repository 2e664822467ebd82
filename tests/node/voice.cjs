// Drives Ringback's Voice API with the official Vonage Node SDK (application JWT): create a
// call with an NCCO, get it, list it, play into it, subscribe to its DTMF, hang up. Prints one
// JSON object. Run by tests/e2e/test_node_voice.py.
const { Vonage } = require('@vonage/server-sdk');

async function advance(url, seconds) {
  const answer = await fetch(`${url}/_ringback/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_seconds: seconds }),
  });
  if (!answer.ok) throw new Error(`clock: ${answer.status}`);
}

async function main() {
  const url = process.env.RINGBACK_URL;
  const vonage = new Vonage(
    { applicationId: process.env.VONAGE_APPLICATION_ID, privateKey: process.env.VONAGE_PRIVATE_KEY },
    { apiHost: url },
  );
  const out = {};
  out.created = await vonage.voice.createOutboundCall({
    to: [{ type: 'phone', number: '447700900123' }],
    from: { type: 'phone', number: '447700900000' },
    ncco: [
      { action: 'talk', text: 'Hello from Node.' },
      { action: 'input', type: ['dtmf'], mode: 'asynchronous' },
      { action: 'wait', timeout: 60 },
    ],
  });
  const uuid = out.created.uuid;
  await advance(url, 3); // the handset answers after 2 s
  out.call = await vonage.voice.getCall(uuid);
  await advance(url, 2); // the talk ends; the asynchronous input listens
  out.page = await vonage.voice.getCallsPage({ pageSize: 10, status: 'answered' });
  out.tts = await vonage.voice.playTTS(uuid, { text: 'An announcement', loop: 1 });
  out.stream = await vonage.voice.streamAudio(uuid, 'https://example.com/hold.mp3', 2, 0.4);
  out.dtmf = await vonage.voice.playDTMF(uuid, '12');
  await vonage.voice.subscribeDTMF(uuid, process.env.DTMF_URL);
  out.subscribed = true;
  const pressed = await fetch(`${url}/_ringback/calls/${uuid}/dtmf`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ digits: '9' }),
  });
  out.pressed = pressed.status;
  await vonage.voice.unsubscribeDTMF(uuid);
  await vonage.voice.hangupCall(uuid);
  out.ended = await vonage.voice.getCall(uuid);
  try {
    await vonage.voice.getCall('00000000-0000-4000-8000-000000000000');
    out.missing = 'found';
  } catch (error) {
    out.missing = error.response ? error.response.status : String(error);
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  const status = error.response ? error.response.status : undefined;
  process.stderr.write(`${error.stack}\nstatus: ${status}\n`);
  process.exit(1);
});
