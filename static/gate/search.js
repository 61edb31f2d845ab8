// Find a person at the gate by name, for a badge that will not scan: online through
// GET /api/gate/search/ (accent-insensitive on the server), offline in the gate bundle.
// Each hit offers to check that person's badge by its short number.

const DEBOUNCE_MS = 300;
const MIN_QUERY = 2;
const MAX_RESULTS = 10;

/** Lower case without accents ("Nguyễn" -> "nguyen"; Vietnamese "đ" -> "d"). */
export function fold(text) {
  return String(text || "").normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/gi, "d").toLowerCase();
}

/** Up to MAX_RESULTS badges of the bundle whose holder's name holds every typed word. */
export function searchBundle(bundle, query) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const found = [];
  for (const badge of Object.values((bundle && bundle.badges) || {})) {
    const name = fold(badge.name);
    if (words.every((word) => name.includes(word))) {
      let status = badge.collected ? "collected" : "not_collected";
      if (badge.revoked) status = "revoked";
      if (badge.refused) status = "refused";
      found.push({
        number: badge.number, short: badge.short, name: badge.name, delegation: badge.delegation,
        category_code: badge.category_code, status, photo_url: null,
      });
      if (found.length >= MAX_RESULTS) break;
    }
  }
  return found;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/**
 * Wire the search box. `options`: {url, bundle() -> the bundle, online() -> bool,
 * photo(number) -> a kept photo's data: URL or null, check(short), t(key)}.
 */
export function setupSearch(box, options) {
  const field = box.querySelector("input[type=search]");
  const list = box.querySelector("ul");
  box.classList.remove("d-none");
  let timer = null;
  let asked = 0;

  async function render(results, ask) {
    if (ask !== asked) return; // a newer query is on its way
    list.replaceChildren();
    if (!results.length) {
      list.appendChild(el("li", "list-group-item text-body-secondary", options.t("search_none")));
      return;
    }
    for (const hit of results) {
      const item = el("li", "list-group-item d-flex flex-wrap gap-3 align-items-center");
      item.dataset.number = hit.number;
      const photo = hit.photo_url || (await options.photo(hit.number));
      if (photo) {
        const img = el("img", "hs-search-photo");
        img.src = photo;
        img.alt = options.t("photo");
        item.appendChild(img);
      }
      const text = el("div", "flex-grow-1");
      text.appendChild(el("div", "fw-bold", hit.name));
      text.appendChild(el("div", "small", [hit.delegation, hit.category_code].filter(Boolean).join(" · ")));
      text.appendChild(el("div", "small hs-search-status", options.t("status") + ": " +
        ((options.statuses || {})[hit.status] || hit.status) + " · " + hit.short));
      item.appendChild(text);
      const button = el("button", "btn btn-sm btn-outline-primary", options.t("search_check"));
      button.type = "button";
      button.addEventListener("click", () => options.check(hit.short));
      item.appendChild(button);
      list.appendChild(item);
    }
  }

  async function run() {
    const query = field.value.trim();
    const ask = ++asked;
    if (query.length < MIN_QUERY) {
      list.replaceChildren();
      return;
    }
    if (options.online()) {
      try {
        const url = new URL(options.url, window.location.href);
        url.searchParams.set("q", query);
        const response = await (options.fetch || fetch)(url, { headers: { Accept: "application/json" } });
        if (response.ok) return render((await response.json()).results || [], ask);
      } catch (error) {
        // Searched in the bundle below.
      }
    }
    return render(searchBundle(options.bundle(), query), ask);
  }

  field.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, DEBOUNCE_MS);
  });
  box.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    run();
  });
}
