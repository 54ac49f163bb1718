// interdict analyst UI: the little the pages do in the browser. Screening,
// search and dispositions go to the /v1 API; what comes back is put into
// the page with DOM calls (text, never HTML), so names cannot inject markup.
'use strict';

(function () {
  const TOKEN = 'interdict.token';
  const AUTHOR = 'interdict.author';

  function token() {
    try {
      return sessionStorage.getItem(TOKEN) || '';
    } catch (_) {
      return '';
    }
  }

  // The token is kept for this tab only; the session cookie lets the pages
  // themselves through when the server asks for a screening token.
  function saveToken(value) {
    if (value) {
      sessionStorage.setItem(TOKEN, value);
      document.cookie = 'interdict_token=' + encodeURIComponent(value) + '; path=/ui; SameSite=Strict';
    } else {
      sessionStorage.removeItem(TOKEN);
      document.cookie = 'interdict_token=; path=/ui; SameSite=Strict; max-age=0';
    }
  }

  // el('a', {href: '/x', class: 'y'}, 'text', child, ...)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const human = (s) => String(s || '').replace(/_/g, ' ');

  function badge(family, value) {
    const word = String(value || '').toLowerCase().replace(/[^a-z0-9_-]/g, '');
    const text = family === 'outcome' ? String(value || '').toUpperCase() : human(value);
    return el('span', { class: 'badge ' + family + '-' + word }, text);
  }

  const entityHref = (id, asOf) =>
    '/ui/entities/' + encodeURIComponent(id) + (asOf ? '?as_of=' + encodeURIComponent(asOf) : '');
  const orderHref = (id, asOf) =>
    '/ui/orders/' + encodeURIComponent(id) + (asOf ? '?as_of=' + encodeURIComponent(asOf) : '');

  // A call to the API; rejects with the API's error message.
  async function api(method, url, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const t = token();
    if (t) headers.Authorization = 'Bearer ' + t;
    const response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      let message = (data && data.message) || 'HTTP ' + response.status;
      if (data && data.field) message += ' (field ' + data.field + ')';
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  const list = (text, sep) =>
    String(text || '')
      .split(sep)
      .map((s) => s.trim())
      .filter((s) => s.length > 0);

  // --- The token form --------------------------------------------------
  function initToken() {
    const form = document.getElementById('token-form');
    if (!form) return;
    const input = document.getElementById('token-input');
    const state = document.getElementById('token-state');
    const show = () => {
      state.textContent = token() ? 'token saved for this tab' : 'no token saved';
    };
    show();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      saveToken(input.value.trim());
      input.value = '';
      show();
      if (document.getElementById('token-reload')) location.reload();
    });
    document.getElementById('token-forget').addEventListener('click', () => {
      saveToken('');
      show();
    });
  }

  // --- Screening -------------------------------------------------------
  function renderDecision(d) {
    const asOf = d.as_of;
    const hits = d.hits || [];
    const head = el(
      'div',
      { class: 'decision-head' },
      el('span', { id: 'result-outcome' }, badge('outcome', d.outcome)),
      el('span', {}, 'as of ', el('strong', {}, asOf)),
      el('span', {}, hits.length + (hits.length === 1 ? ' hit' : ' hits')),
      d.decision_id
        ? el('a', { id: 'result-decision', href: '/ui/decisions/' + encodeURIComponent(d.decision_id) },
          'decision ' + d.decision_id)
        : null,
    );
    const parts = [head];
    if (hits.length) {
      const rows = hits.map((h) =>
        el(
          'tr',
          { class: 'hit-row', 'data-entity': h.entity_id },
          el('td', {}, el('a', { href: entityHref(h.entity_id, asOf) }, h.name),
            el('div', { class: 'muted' }, h.kind)),
          el('td', { class: 'score' }, typeof h.score === 'number' ? h.score.toFixed(3) : ''),
          el('td', {}, h.by === 'identifier' && h.identifier
            ? 'identifier ' + h.identifier.type + ':' + h.identifier.value
            : 'name “' + (h.input || '') + '” ~ “' + (h.matched_name || '') + '”'),
          el('td', {}, badge('outcome', h.outcome)),
          el(
            'td',
            {},
            el('div', {}, h.reason || ''),
            (h.orders || []).map((o) =>
              el('div', { class: 'path' },
                el('a', { href: orderHref(o.id, asOf) }, o.id), ' ',
                (o.covered && o.covered.path_text) || '')),
            (h.designations || []).map((x) =>
              el('div', { class: 'muted' }, x.authority + ' ' + x.program + (x.active ? ' (active)' : ' (not active)'))),
          ),
        ),
      );
      parts.push(
        el(
          'table',
          { class: 'table', id: 'result-hits' },
          el('thead', {}, el('tr', {}, ['Entity', 'Score', 'Matched', 'Outcome', 'Why'].map((t) => el('th', {}, t)))),
          el('tbody', {}, rows),
        ),
      );
    } else {
      parts.push(el('p', { class: 'empty' }, 'No hit.'));
    }
    if ((d.suppressed || []).length) {
      parts.push(el('p', { class: 'muted' }, d.suppressed.length + ' hit(s) suppressed by the allowlist.'));
    }
    if ((d.warnings || []).length) {
      parts.push(el('ul', { class: 'plain warnings' },
        d.warnings.map((x) => el('li', {}, el('code', {}, x.code), ' ', x.message))));
    }
    return el('div', { class: 'card' }, parts);
  }

  function initScreen() {
    const form = document.getElementById('screen-form');
    if (!form) return;
    const out = document.getElementById('screen-result');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const f = new FormData(form);
      const body = { names: list(f.get('names'), /\n/) };
      if (f.get('type')) body.type = f.get('type');
      if (String(f.get('birth_date') || '').trim()) body.birth_date = String(f.get('birth_date')).trim();
      const countries = list(f.get('countries'), ',');
      if (countries.length) body.countries = countries;
      if (f.get('as_of')) body.as_of = f.get('as_of');
      const jurisdictions = list(f.get('jurisdictions'), ',');
      if (jurisdictions.length) body.jurisdictions = jurisdictions;
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      out.replaceChildren(el('p', { class: 'muted' }, 'Screening…'));
      try {
        const decision = await api('POST', '/v1/screen/party', body);
        out.replaceChildren(renderDecision(decision));
      } catch (error) {
        out.replaceChildren(el('p', { class: 'error-message', id: 'screen-error' }, error.message));
      } finally {
        button.disabled = false;
      }
    });
  }

  function initSearch() {
    const form = document.getElementById('search-form');
    if (!form) return;
    const out = document.getElementById('search-result');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const q = document.getElementById('search-q').value.trim();
      if (!q) return;
      out.replaceChildren(el('p', { class: 'muted' }, 'Searching…'));
      try {
        const result = await api('GET', '/v1/search?limit=20&q=' + encodeURIComponent(q));
        if (!result.hits.length) {
          out.replaceChildren(el('p', { class: 'empty' }, 'No listed name scores 0.7 or more.'));
          return;
        }
        out.replaceChildren(
          el(
            'table',
            { class: 'table', id: 'search-hits' },
            el('thead', {}, el('tr', {}, ['Entity', 'Matched name', 'Score', 'Kind', ''].map((t) => el('th', {}, t)))),
            el(
              'tbody',
              {},
              result.hits.map((h) =>
                el(
                  'tr',
                  {},
                  el('td', {}, el('a', { href: entityHref(h.entity_id) }, h.name)),
                  el('td', {}, h.matched_name),
                  el('td', { class: 'score' }, h.score.toFixed(3)),
                  el('td', {}, h.kind),
                  el('td', {}, h.listed ? badge('flag', 'listed') : ''),
                ),
              ),
            ),
          ),
        );
      } catch (error) {
        out.replaceChildren(el('p', { class: 'error-message' }, error.message));
      }
    });
  }

  // --- Alerts ----------------------------------------------------------
  function initAlerts() {
    const listNode = document.getElementById('alert-list');
    if (!listNode) return;
    const filter = listNode.getAttribute('data-filter');
    const flash = document.getElementById('flash');
    const count = document.getElementById('alert-count');
    const savedAuthor = sessionStorage.getItem(AUTHOR) || '';
    for (const form of listNode.querySelectorAll('form.dispose')) {
      const status = form.elements.status;
      const allow = form.querySelector('fieldset.allow');
      const author = form.elements.author;
      if (savedAuthor && !author.value) author.value = savedAuthor;
      const sync = () => {
        allow.disabled = status.value !== 'false_positive';
      };
      status.addEventListener('change', sync);
      sync();
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const message = form.querySelector('.form-message');
        message.className = 'form-message';
        if (!token()) {
          message.classList.add('bad');
          message.textContent = 'Save the admin token above first.';
          return;
        }
        const id = form.getAttribute('data-alert');
        const body = {
          status: status.value,
          comment: form.elements.comment.value,
          author: author.value,
        };
        if (status.value === 'false_positive' && form.elements.allowlist.checked) {
          body.allowlist = {};
          if (form.elements.expires.value) body.allowlist.expires = form.elements.expires.value;
        }
        const button = form.querySelector('button[type=submit]');
        button.disabled = true;
        message.textContent = 'Recording…';
        try {
          const d = await api('POST', '/v1/alerts/' + encodeURIComponent(id) + '/disposition', body);
          sessionStorage.setItem(AUTHOR, author.value);
          const card = form.closest('.alert-card');
          const text = id + ': ' + human(d.status) + ' by ' + d.author +
            (d.allow_entry
              ? ', allowlist entry ' + d.allow_entry.id + ' added for the ' +
                (d.allow_entry.key_kind || 'key') + ' “' + d.allow_entry.input_key + '”'
              : '') + ' (audit record ' + d.audit_decision_id + ')';
          if (filter !== 'all' && filter !== d.status) {
            card.remove();
            const left = listNode.querySelectorAll('.alert-card').length;
            if (count) count.textContent = String(left);
            flash.replaceChildren(el('span', { id: 'flash-text' }, 'Recorded ' + text + '.'));
          } else {
            card.setAttribute('data-status', d.status);
            card.querySelector('.alert-status').replaceChildren(badge('status', d.status));
            message.classList.add('ok');
            message.textContent = 'Recorded: ' + human(d.status) + '.';
            form.elements.comment.value = '';
          }
        } catch (error) {
          message.classList.add('bad');
          message.textContent = error.status === 401 ? 'The token was refused: ' + error.message : error.message;
        } finally {
          button.disabled = false;
        }
      });
    }
  }

  initToken();
  initScreen();
  initSearch();
  initAlerts();
})();
