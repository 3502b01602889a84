/**
 * Saved notebooks keep their figures: when a saddlelab output's widget view
 * cannot be shown (the notebook was reopened after its kernel shut down, so
 * the model is gone; no kernel at all; the view was closed), the output shows
 * the static figure that the same output carries (SVG, else PNG) instead of
 * "Error displaying widget: model not found" or "Loading widget...". When the
 * live view does come (a live kernel, or widget state saved in the notebook),
 * it replaces the static figure as usual.
 *
 * JupyterLab (and Notebook 7) render an output with the highest-ranked mime
 * type of its bundle, and the widget manager's renderer ranks first. That
 * renderer is replaced per notebook once the notebook's kernel is known
 * (`rendermime.removeMimeType` + `addFactory` on the notebook's own
 * rendermime registry), so a second factory of ours would be dropped. This
 * adapter instead decorates whichever widget-view factory the notebook's
 * registry holds, now and when it is replaced: each renderer it creates is the
 * widget manager's own (the manager hands itself to renderers it finds by
 * class), with a watcher on its node. Everything it needs from JupyterLab is
 * checked when the plugin starts; without it, widgets work as before.
 */

const VIEW = 'application/vnd.jupyter.widget-view+json';
/** How long a view may stay "Loading widget..." before the static figure is shown (a live view replaces it when it comes). */
const GRACE_MS = 1500;

/** The parts of JupyterLab's rendermime API this file uses (structural: no @jupyterlab/* import). */
interface MimeModel {
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
}
interface Renderer {
  readonly node: HTMLElement;
  readonly isDisposed: boolean;
  readonly isHidden: boolean;
  /** A Lumino Panel's children: the live widget view once it is shown. */
  readonly widgets?: ReadonlyArray<unknown>;
  show(): void;
  renderModel(model: MimeModel): Promise<void>;
}
interface RendererFactory {
  readonly safe: boolean;
  readonly mimeTypes: readonly string[];
  readonly defaultRank?: number;
  createRenderer(options: unknown): Renderer;
}
interface RenderMime {
  getFactory(mimeType: string): RendererFactory | undefined;
  getRank(mimeType: string): number | undefined;
  addFactory(factory: RendererFactory, rank?: number): void;
}
interface App {
  docRegistry?: { addWidgetExtension(widgetName: string, extension: { createNew(panel: { content?: { rendermime?: RenderMime } }): void }): unknown };
}

const DECORATED = Symbol('saddlelab.staticFallback');
const guarded = new WeakSet<RenderMime>();

/** The static figure of an output bundle, as an image source, or null when it has none. */
export function staticImage(data: Readonly<Record<string, unknown>>, metadata: Readonly<Record<string, unknown>> = {}): { src: string; kind: 'svg' | 'png'; width?: number; height?: number; alt: string } | null {
  const alt = typeof data['text/plain'] === 'string' ? (data['text/plain'] as string) : 'saddlelab figure';
  const svg = data['image/svg+xml'];
  if (typeof svg === 'string' && svg.includes('<svg')) return { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, kind: 'svg', alt };
  const png = data['image/png'];
  if (typeof png === 'string' && png.length) {
    const size = (metadata['image/png'] ?? {}) as { width?: unknown; height?: unknown };
    return { src: `data:image/png;base64,${png.replace(/\s/g, '')}`, kind: 'png', width: typeof size.width === 'number' ? size.width : undefined, height: typeof size.height === 'number' ? size.height : undefined, alt };
  }
  return null;
}

/** Keeps `r` showing the static figure of its latest model whenever no live view is in it. */
function watch(r: Renderer, model: () => MimeModel): void {
  let shownOnce = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const isStatic = () => r.node.childElementCount === 1 && r.node.firstElementChild!.classList.contains('saddlelab-static');
  const show = () => {
    const fig = staticImage(model().data, model().metadata);
    if (!fig || r.isDisposed) return;
    shownOnce = true;
    // Touch the node only when something changes: every write (even classList.remove of an absent
    // class) is a mutation that calls check() again.
    if (r.isHidden) r.show();
    if (r.node.classList.contains('jupyter-widgets')) r.node.classList.remove('jupyter-widgets');
    if (isStatic()) return;
    const img = document.createElement('img');
    img.className = 'saddlelab-static';
    img.dataset.kind = fig.kind;
    img.src = fig.src;
    img.alt = fig.alt;
    img.style.maxWidth = '100%';
    if (fig.width) img.width = fig.width;
    if (fig.height) img.height = fig.height;
    r.node.textContent = '';
    r.node.appendChild(img);
  };
  const check = () => {
    if (r.isDisposed) {
      observer.disconnect();
      if (timer) clearTimeout(timer);
      return;
    }
    const live = (r.widgets?.length ?? 0) > 0;
    if (live) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      return;
    }
    // The manager gave up (error class, or the view was closed and hidden), or the figure was shown before: now.
    if (shownOnce || r.isHidden || r.node.classList.contains('jupyter-widgets')) show();
    else timer ??= setTimeout(() => {
      timer = undefined;
      if (!r.isDisposed && !((r.widgets?.length ?? 0) > 0)) show();
    }, GRACE_MS);
  };
  const observer = new MutationObserver(check);
  observer.observe(r.node, { childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
  check();
}

function decorate(factory: RendererFactory): RendererFactory {
  if ((factory as unknown as Record<symbol, unknown>)[DECORATED]) return factory;
  return {
    safe: factory.safe,
    mimeTypes: factory.mimeTypes,
    defaultRank: factory.defaultRank,
    [DECORATED]: true,
    createRenderer(options: unknown): Renderer {
      // The manager's own renderer object (it finds renderers by class), with renderModel observed.
      const r = factory.createRenderer(options);
      const render = r.renderModel.bind(r);
      let latest: MimeModel | undefined;
      let watching = false;
      r.renderModel = (model: MimeModel) => {
        latest = model;
        // An output may get its static figure later (update_display_data at the end of a run re-renders in place).
        if (!watching && staticImage(model.data, model.metadata)) {
          watching = true;
          watch(r, () => latest!);
        }
        return render(model);
      };
      return r;
    },
  } as RendererFactory;
}

/** Decorates the widget-view factory of one notebook's registry, now and whenever the widget manager replaces it. */
export function guardRenderMime(rm: RenderMime): void {
  if (guarded.has(rm)) return;
  guarded.add(rm);
  const add = rm.addFactory.bind(rm);
  rm.addFactory = (factory: RendererFactory, rank?: number) => add(factory.mimeTypes.includes(VIEW) ? decorate(factory) : factory, rank);
  const current = rm.getFactory(VIEW);
  if (current) add(decorate(current), rm.getRank(VIEW));
}

/**
 * Installs the fallback for every notebook opened from now on.
 *
 * @example
 * ```ts
 * // in the plugin's activate(app, ...): installStaticFallback(app);
 * ```
 */
export function installStaticFallback(app: unknown): void {
  const registry = (app as App | null)?.docRegistry;
  if (!registry || typeof registry.addWidgetExtension !== 'function') {
    console.warn('[saddlelab] this JupyterLab has no docRegistry.addWidgetExtension: saved notebooks will show "model not found" instead of their static figures');
    return;
  }
  registry.addWidgetExtension('Notebook', {
    createNew(panel) {
      const rm = panel?.content?.rendermime;
      if (rm && typeof rm.getFactory === 'function' && typeof rm.addFactory === 'function') guardRenderMime(rm);
    },
  });
}
