// Drives Ringback's Number Insight with the official Vonage Node SDK and prints what came back
// as one JSON object. Run by tests/e2e/test_node_insight.py. The Vonage MCP server calls
// basicLookup before every send and needs `status === 0` (a number) and
// `international_format_number`.
const { Vonage } = require('@vonage/server-sdk');

async function main() {
  const url = process.env.RINGBACK_URL;
  const apiKey = process.env.VONAGE_API_KEY;
  const apiSecret = process.env.VONAGE_API_SECRET;
  const number = process.env.NUMBER;
  const vonage = new Vonage({ apiKey, apiSecret }, { apiHost: url, restHost: url });
  const out = {};

  out.basic = await vonage.numberInsights.basicLookup(number);
  out.basicWithCountry = await vonage.numberInsights.basicLookup('07500 123456', { country: 'GB' });
  out.standard = await vonage.numberInsights.standardLookup(number);
  out.advanced = await vonage.numberInsights.advancedLookup(process.env.ROAMING);
  out.async = await vonage.numberInsights.asyncAdvancedLookup(number, process.env.CALLBACK);
  out.invalid = await vonage.numberInsights.basicLookup('145645562');
  out.wrongSecret = await new Vonage({ apiKey, apiSecret: 'Wrong1Secret' }, { apiHost: url })
    .numberInsights.basicLookup(number);
  out.balance = await vonage.accounts.getBalance();
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  const status = error.response ? error.response.status : undefined;
  process.stderr.write(`${error.stack}\nstatus: ${status}\n`);
  process.exit(1);
});
