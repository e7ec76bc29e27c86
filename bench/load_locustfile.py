"""The people of a mixed day, for locust (run by bench/load_day.py): tenants browsing their
tickets and the catalogue and raising tickets, the property desk working its list, providers
answering enquiries, the IOC dashboard open with its live stream. Requests are named by page
kind, so the figures compare like with like from one data scale to the next."""

import random
import re

from locust import HttpUser, between, task

PASSWORD = "parkos-demo"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        form = self.client.get("/accounts/login/", name="sign-in")
        match = CSRF.search(form.text)
        self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign-in",
        )
        token = self.client.post(
            "/api/auth/token",
            json={"username": self.username, "password": PASSWORD},
            name="sign-in",
        ).json()["token"]
        self.api = {"Authorization": f"Bearer {token}"}

    def items(self, path, name):
        response = self.client.get(path, headers=self.api, name=name)
        if response.status_code != 200:
            return []
        body = response.json()
        return body.get("items", []) if isinstance(body, dict) else body


class Tenant(Person):
    weight = 5
    username = "tenant"

    def on_start(self):
        super().on_start()
        # A ticket says where the problem is: a unit the tenant leases.
        leases = self.items("/api/leases", "api list: leases")
        self.unit = leases[0]["unit"] if leases else None

    @task(4)
    def tickets_page(self):
        self.client.get("/property/", name="list page: tickets")

    @task(2)
    def ticket_detail(self):
        tickets = self.items("/api/property/tickets", "api list: tickets")
        if tickets:
            ticket = random.choice(tickets[:50])
            self.client.get(f"/property/tickets/{ticket['id']}/", name="detail page: ticket")

    @task(3)
    def catalogue(self):
        self.client.get("/marketplace/", name="list page: catalogue")

    @task(2)
    def orders_page(self):
        self.client.get("/marketplace/orders/", name="list page: orders")

    @task(1)
    def raise_ticket(self):
        self.client.post(
            "/api/property/tickets",
            json={
                "title": "会议室空调不制冷",
                "description": "出风不冷, 请派人检查。",
                "unit": self.unit,
            },
            headers=self.api,
            name="write: raise a ticket",
        )


class Dispatcher(Person):
    weight = 2
    username = "dispatcher"

    @task(4)
    def desk(self):
        self.client.get("/property/", name="list page: tickets")

    @task(2)
    def api_list(self):
        self.items("/api/property/tickets?status=new", "api list: tickets")

    @task(1)
    def dispatch(self):
        tickets = self.items("/api/property/tickets?status=new", "api list: tickets")
        if tickets:
            ticket = random.choice(tickets[:20])
            self.client.post(
                f"/api/property/tickets/{ticket['id']}/dispatch",
                json={},
                headers=self.api,
                name="write: dispatch a ticket",
            )


class Provider(Person):
    weight = 2
    username = "provider"

    @task(4)
    def orders_page(self):
        self.client.get("/marketplace/orders/", name="list page: orders")

    @task(2)
    def order_detail(self):
        orders = self.items("/api/marketplace/orders", "api list: orders")
        if orders:
            order = random.choice(orders[:50])
            self.client.get(f"/marketplace/orders/{order['id']}/", name="detail page: order")

    @task(1)
    def answer(self):
        enquiries = self.items("/api/marketplace/orders?status=enquiry", "api list: orders")
        if enquiries:
            order = random.choice(enquiries[:20])
            with self.client.post(
                f"/api/marketplace/orders/{order['id']}/quote",
                json={"amount": "1800.00", "note": "含上门"},
                headers=self.api,
                name="write: quote an enquiry",
                catch_response=True,
            ) as response:
                # Another provider user may have quoted it first: a refusal, not a failure.
                if response.status_code == 409:
                    response.success()


class Ioc(Person):
    weight = 1
    username = "ioc"

    @task(3)
    def dashboard(self):
        self.client.get("/iot/", name="dashboard: IOC")

    @task(3)
    def panel(self):
        self.client.get("/iot/panel/", name="dashboard: IOC panel")

    @task(1)
    def live(self):
        """The dashboard's live stream, held open a few seconds as a browser tab would."""
        with self.client.get(
            "/iot/live/", stream=True, name="stream: IOC live (first event)", timeout=30
        ) as response:
            for _ in response.iter_lines():
                break
