// The sign-in page: on success, back to the view that sent here (its #fragment), else Today.

const form = document.getElementById('signin');
const error = document.getElementById('signin-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const response = await fetch('api/v1/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ name: form.name.value.trim(), password: form.password.value }),
    });
    if (response.ok) {
      location.replace(`./${location.hash || '#/today'}`);
      return;
    }
    const body = await response.json().catch(() => null);
    error.textContent = body && body.error ? body.error : `The collector answered HTTP ${response.status}`;
  } catch (e) {
    error.textContent = 'Cannot reach the Steward collector';
  } finally {
    button.disabled = false;
  }
  error.hidden = false;
  form.password.select();
});
