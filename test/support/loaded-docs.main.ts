// Boots the app, prints which of the packages named in argv Node has loaded, asks for one of
// Swagger UI's files (/docs/swagger-ui.css), and prints them again: `{"started":[…],"served":[…]}`.
import 'reflect-metadata';
import { startTestApp } from './test-app';

async function main(): Promise<void> {
  const packages = process.argv.slice(2);
  const loaded = (): string[] =>
    packages.filter((name) =>
      Object.keys(require.cache).some((file) =>
        file.replaceAll('\\', '/').includes(`/node_modules/${name}/`),
      ),
    );
  const app = await startTestApp();
  const started = loaded();
  const response = await app.request('/docs/swagger-ui.css');
  if (response.status !== 200) throw new Error(`GET /docs/swagger-ui.css answered ${response.status}`);
  await response.arrayBuffer();
  const served = loaded();
  await app.close();
  process.stdout.write(`${JSON.stringify({ started, served })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
