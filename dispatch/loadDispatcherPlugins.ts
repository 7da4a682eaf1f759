import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Dispatcher } from './index.js';

/** What a plug-in module's default export receives. */
export interface DispatcherPluginContext {
  linkBaseUrl: string;
  publicUrl: string;
}

/** A plug-in module: `export default (context) => Dispatcher` (dispatch/README.md "Writing a plug-in"). */
export type DispatcherPluginFactory = (context: DispatcherPluginContext) => Dispatcher | Promise<Dispatcher>;

/**
 * Loads the custom dispatchers named in DISPATCH_PLUGINS (module paths, relative to the working
 * directory). A module that is missing or exports no factory stops start-up with its name.
 */
export async function loadDispatcherPlugins(paths: readonly string[], context: DispatcherPluginContext): Promise<Dispatcher[]> {
  const plugins: Dispatcher[] = [];
  for (const path of paths) {
    const url = pathToFileURL(isAbsolute(path) ? path : resolve(path)).href;
    const module = (await import(url).catch((cause: unknown) => {
      throw new Error(`dispatcher plug-in ${path} cannot be loaded`, { cause });
    })) as { default?: unknown };
    if (typeof module.default !== 'function') throw new Error(`dispatcher plug-in ${path} has no default export building a Dispatcher`);
    const dispatcher = (await (module.default as DispatcherPluginFactory)(context)) as Partial<Dispatcher>;
    if (typeof dispatcher?.id !== 'string' || typeof dispatcher.dispatch !== 'function') {
      throw new Error(`dispatcher plug-in ${path} did not build a Dispatcher (id and dispatch())`);
    }
    plugins.push(dispatcher as Dispatcher);
  }
  return plugins;
}
