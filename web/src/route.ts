/** The path inside /app/, e.g. `family/3`. */
export function currentRoute(): string {
  return location.pathname.replace(/^\/app\/?/, '').replace(/\/$/, '');
}

/** Client-side navigation inside /app/ (the server answers every /app/ path with the app's page). */
export function navigate(route: string): void {
  history.pushState(null, '', `/app/${route}`);
  dispatchEvent(new PopStateEvent('popstate'));
}
