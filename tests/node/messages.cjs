// Sends Messages API messages through Ringback with the official Vonage Node SDK, with an
// application JWT: an SMS and a WhatsApp text, and a WhatsApp text with Basic (refused). Prints
// what came back as one JSON object. Run by tests/e2e/messages/test_node_messages.py.
const { Vonage } = require('@vonage/server-sdk');
const { SMS, WhatsAppText } = require('@vonage/messages');

async function main() {
  const url = process.env.RINGBACK_URL;
  const env = process.env;
  const options = { apiHost: url, restHost: url };
  const vonage = new Vonage(
    { applicationId: env.VONAGE_APPLICATION_ID, privateKey: env.VONAGE_PRIVATE_KEY }, options,
  );
  const out = {};
  out.sms = await vonage.messages.send(new SMS({
    to: env.TO, from: 'NodeApp', text: 'SMS from Node', clientRef: 'node-sms',
  }));
  out.whatsapp = await vonage.messages.send(new WhatsAppText({
    to: env.TO, from: env.WHATSAPP, text: 'WhatsApp from Node', clientRef: 'node-wa',
  }));
  try {
    await new Vonage({ apiKey: env.VONAGE_API_KEY, apiSecret: env.VONAGE_API_SECRET }, options)
      .messages.send(new WhatsAppText({ to: env.TO, from: env.WHATSAPP, text: 'basic' }));
    out.basicWhatsapp = 'accepted';
  } catch (error) {
    out.basicWhatsapp = { name: error.constructor.name, status: error.response.status };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  const status = error.response ? error.response.status : undefined;
  process.stderr.write(`${error.stack}\nstatus: ${status}\n`);
  process.exit(1);
});
