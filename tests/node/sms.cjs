// Sends SMS through Ringback with the official Vonage Node SDK (JSON bodies to /sms/json, Basic
// auth) and prints what came back as one JSON object. Run by tests/e2e/sms/test_node_sms.py.
const { Vonage } = require('@vonage/server-sdk');

async function main() {
  const url = process.env.RINGBACK_URL;
  const apiKey = process.env.VONAGE_API_KEY;
  const apiSecret = process.env.VONAGE_API_SECRET;
  const vonage = new Vonage({ apiKey, apiSecret }, { apiHost: url, restHost: url });
  const out = {};

  out.sent = await vonage.sms.send({
    to: '447700900900', from: 'NodeApp', text: 'Hello from Node', clientRef: 'node-1',
  });
  out.long = await vonage.sms.send({ to: '447700900900', from: 'NodeApp', text: 'n'.repeat(200) });
  out.unicode = await vonage.sms.send({
    to: '447700900900', from: 'NodeApp', text: 'Привет', type: 'unicode',
  });
  try {
    await vonage.sms.send({ to: '447700900903', from: 'NodeApp', text: 'barred' });
    out.barred = 'accepted';
  } catch (error) {
    out.barred = { name: error.constructor.name, response: error.getResponse() };
  }
  try {
    await new Vonage({ apiKey, apiSecret: 'Wrong1Secret' }, { apiHost: url, restHost: url })
      .sms.send({ to: '447700900900', from: 'NodeApp', text: 'x' });
    out.wrongSecret = 'accepted';
  } catch (error) {
    out.wrongSecret = { name: error.constructor.name, response: error.getResponse() };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  const status = error.response ? error.response.status : undefined;
  process.stderr.write(`${error.stack}\nstatus: ${status}\n`);
  process.exit(1);
});
