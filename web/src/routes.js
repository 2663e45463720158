// Every page of the app: its path, who may open it, and its place in the navigation.
// A page's roles mirror what the API lets those roles do; the API refuses the rest anyway.
import { routes as bookings } from "./pages/bookings.js";
import { routes as catalogue } from "./pages/catalogue.js";
import { routes as home } from "./pages/home.js";
import { routes as notifications } from "./pages/notifications.js";

export const ROUTES = [...home, ...catalogue, ...bookings, ...notifications];
