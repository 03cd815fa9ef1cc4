"""The organization's documents (устав, выписка ЕГРЮЛ, лицензия …): a file checked by its content, a type from the
shipped dictionary, number, date and expiry date; locked while something (a submitted application) relies on them;
reminders before and at expiry."""
