/** Pushed to every display subscribed to a dashboard when its layout changes or it is deleted; the display re-subscribes. */
export interface DashboardChangeMessage {
  slug: string;
  version: number;
  deleted: boolean;
}

/** socket.io room of a dashboard's viewers (shared across gateway processes through the adapter). */
export const dashboardRoom = (slug: string): string => `dashboard:${slug}`;
