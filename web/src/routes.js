// Every page of the app: its path, who may open it, and its place in the navigation.
// A page's roles mirror what the API lets those roles do; the API refuses the rest anyway.
import { routes as admin } from "./pages/admin.js";
import { routes as board } from "./pages/board.js";
import { routes as bookings } from "./pages/bookings.js";
import { routes as catalogue } from "./pages/catalogue.js";
import { routes as home } from "./pages/home.js";
import { routes as leaders } from "./pages/leaders.js";
import { routes as manageCourses } from "./pages/manage_courses.js";
import { routes as members } from "./pages/members.js";
import { routes as notifications } from "./pages/notifications.js";
import { routes as referrals } from "./pages/referrals.js";
import { routes as webhooks } from "./pages/webhooks.js";

export const ROUTES = [...home, ...catalogue, ...manageCourses, ...bookings, ...referrals, ...board, ...members,
  ...leaders, ...webhooks, ...admin, ...notifications];
