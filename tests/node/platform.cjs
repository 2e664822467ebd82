// Drives Ringback's platform APIs with the official Vonage Node SDK, exactly as an app would,
// and prints what came back as one JSON object. Run by tests/e2e/test_node_sdk.py.
const { Vonage } = require('@vonage/server-sdk');

async function main() {
  const url = process.env.RINGBACK_URL;
  const apiKey = process.env.VONAGE_API_KEY;
  const apiSecret = process.env.VONAGE_API_SECRET;
  const vonage = new Vonage({ apiKey, apiSecret }, { apiHost: url, restHost: url });
  const out = {};

  out.balance = await vonage.accounts.getBalance();
  out.callbacks = await vonage.accounts.updateAccountCallbacks({
    moCallBackUrl: 'https://example.com/inbound',
  });
  const created = await vonage.secrets.createSecret(apiKey, 'NodeSecret123');
  out.secretCreated = created;
  out.secretsAfterCreate = (await vonage.secrets.listSecrets(apiKey))._embedded.secrets.length;
  await vonage.secrets.deleteSecret(apiKey, created.id);
  out.secretsAfterDelete = (await vonage.secrets.listSecrets(apiKey))._embedded.secrets.length;

  out.countryPricing = await vonage.pricing.listCountryPricing('sms', 'GB');

  const app = await vonage.applications.createApplication({
    name: 'node app',
    capabilities: {
      messages: {
        webhooks: {
          inboundUrl: { address: 'https://example.com/in', httpMethod: 'POST' },
          statusUrl: { address: 'https://example.com/status', httpMethod: 'POST' },
        },
      },
    },
  });
  out.application = app;
  out.applicationFetched = await vonage.applications.getApplication(app.id);
  const names = [];
  for await (const item of vonage.applications.listAllApplications({ size: 1 })) {
    names.push(item.name);
  }
  out.applicationNames = names;
  out.applicationUpdated = await vonage.applications.updateApplication({ ...app, name: 'renamed' });

  const available = await vonage.numbers.getAvailableNumbers({ country: 'GB', type: 'mobile-lvn' });
  out.available = available;
  const msisdn = available.numbers[0].msisdn;
  out.bought = await vonage.numbers.buyNumber({ country: 'GB', msisdn });
  out.updated = await vonage.numbers.updateNumber({
    country: 'GB', msisdn, appId: app.id, moHttpUrl: 'https://example.com/mo',
  });
  out.owned = await vonage.numbers.getOwnedNumbers({ country: 'GB' });
  out.cancelled = await vonage.numbers.cancelNumber({ country: 'GB', msisdn });
  await vonage.applications.deleteApplication(app.id);
  out.balanceAfter = await vonage.accounts.getBalance();

  try {
    await new Vonage({ apiKey, apiSecret: 'Wrong1Secret' }, { apiHost: url, restHost: url })
      .accounts.getBalance();
    out.wrongSecret = 'accepted';
  } catch (error) {
    out.wrongSecret = { status: error.response.status, body: await error.response.json() };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  const status = error.response ? error.response.status : undefined;
  process.stderr.write(`${error.stack}\nstatus: ${status}\n`);
  process.exit(1);
});
